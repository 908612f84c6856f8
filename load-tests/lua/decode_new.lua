-- GET /api/v1/codes/{code} for codes never seen before: a random serial under real issuers, a new code every request.
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
request = function()
  return wrk.format("GET", "/api/v1/codes/" .. string.sub(common.pick(items).code, 1, 16) .. string.format("%06d", math.random(0, 999999)))
end
done = common.done
