-- wrk script for every single-route load of the bench (so each route pays the same client cost):
--   wrk -t2 -c32 -d10s --latency -s load.lua URL -- TOKEN [PATHS_FILE]
-- TOKEN "-" sends no Authorization header. PATHS_FILE (one path a line) is cycled through;
-- without it every request goes to URL's path. Requests are formatted once, in init().
-- done() prints one machine-readable line:
--   WRK <requests/s> <p50 us> <p99 us> <mean us> <socket errors> <non-2xx/3xx responses> <requests>
local requests = {}
local counter = 0

function init(args)
  local headers = {}
  local token = args[1]
  if token ~= nil and token ~= "" and token ~= "-" then
    headers["Authorization"] = "Bearer " .. token
  end
  local paths = {}
  if args[2] ~= nil then
    for line in io.lines(args[2]) do
      if line ~= "" then paths[#paths + 1] = line end
    end
  end
  if #paths == 0 then paths[1] = wrk.path end
  for i, path in ipairs(paths) do
    requests[i] = wrk.format("GET", path, headers)
  end
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format("WRK %.1f %.1f %.1f %.1f %d %d %d\n",
    summary.requests / (summary.duration / 1000000),
    latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status, summary.requests))
end
