-- Baseline: plaintext liveness, requested through the same Lua machinery as the scenarios
-- (a random query string per request), so the generator's own cost cancels out of the ratios.
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
request = function()
  return wrk.format("GET", "/health/live?r=" .. math.random(1, 100000000))
end
done = common.done
