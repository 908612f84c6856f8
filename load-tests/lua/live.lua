-- The baseline: plaintext liveness, with a random query string so the generator does the same per-request work as the scenarios.
request = function()
  return wrk.format("GET", "/health/live?r=" .. math.random(1, 1000000))
end
