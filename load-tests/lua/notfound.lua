-- A flood of random, never-issued codes with a name: each is a cache miss and a "not found".
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
done = common.done
request = function()
  local code = string.format("Y000044030006%02d3%06d", math.random(19, 25), math.random(900000, 999999))
  return wrk.format("POST", "/api/v1/verifications", { ["Content-Type"] = "application/json" },
    '{"code":"' .. code .. '","holderName":"王小明"}')
end
