-- A flood of random serials under registered issuers: the organization codes of real certificates (CODES), issue year
-- and level kept, a random serial far above any issued one. Each is a never-issued code of a known issuer.
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
request = function()
  local code = string.sub(common.pick(items).code, 1, 16) .. string.format("%06d", math.random(900000, 999999))
  return wrk.format("POST", "/api/v1/verifications", { ["Content-Type"] = "application/json" },
    '{"code":"' .. code .. '","holderName":"王小明"}')
end
done = common.done
