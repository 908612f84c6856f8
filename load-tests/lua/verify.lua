-- POST /api/v1/verifications with code + holder name, picked at random from CODES (a hot set, a cold set, or unknown codes).
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
request = function()
  local item = common.pick(items)
  return wrk.format("POST", "/api/v1/verifications", { ["Content-Type"] = "application/json" },
    '{"code":"' .. item.code .. '","holderName":"' .. item.name .. '"}')
end
done = common.done
