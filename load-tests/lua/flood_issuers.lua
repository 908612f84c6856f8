-- A flood of random unregistered issuers: nearly every request a new organization code (ministry code 0000, one of six
-- provinces, a random site serial: 6M possible codes, of which the generated registry holds a handful), so each misses
-- the registry itself, not one issuer's cached "not found" (notfound.lua).
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local provinces = { "11", "31", "32", "33", "44", "51" }
request = function()
  local code = string.format("Y0000%s%06d%02d3%06d", provinces[math.random(1, #provinces)], math.random(900000, 999999),
    math.random(19, 25), math.random(0, 999999))
  return wrk.format("POST", "/api/v1/verifications", { ["Content-Type"] = "application/json" },
    '{"code":"' .. code .. '","holderName":"王小明"}')
end
done = common.done
