-- The mobile page a QR code opens: GET /v/{code}?t={token}, from CODES lines "code,token" (tokens computed by the runner).
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
request = function()
  local item = common.pick(items)
  return wrk.format("GET", "/v/" .. item.code .. "?t=" .. item.name)
end
done = common.done
