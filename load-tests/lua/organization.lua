-- GET /api/v1/organizations/{organizationCode}: the first 13 characters of random real codes.
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
request = function()
  return wrk.format("GET", "/api/v1/organizations/" .. string.sub(common.pick(items).code, 1, 13))
end
done = common.done
