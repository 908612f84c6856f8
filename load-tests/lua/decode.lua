-- GET /api/v1/codes/{code} for random real codes (output-cacheable, no data access).
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
request = function()
  return wrk.format("GET", "/api/v1/codes/" .. common.pick(items).code)
end
done = common.done
