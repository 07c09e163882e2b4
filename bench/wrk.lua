-- wrk script of bench/run: POSTs the JSON body in $BODY to the URL's path (or, when
-- $BODIES lists several files separated by commas, each in turn: a mixed load), checks
-- every response (HTTP 200 and no "errors" in the body), and prints one RESULT line.
-- $AUTH, when set, is sent as the Authorization header. A body containing the text
-- @N@ gets a fresh number there on every request (for mutations that must differ).
local bodies = {}
-- A file ending in .list names body files, one per line (a long $BODIES breaks wrk's
-- connections here).
local function add(file)
  if file:match("%.list$") then
    for line in io.lines(file) do
      if line ~= "" then add(line) end
    end
  else
    local f = assert(io.open(file, "rb"))
    table.insert(bodies, f:read("*a"))
    f:close()
  end
end
for file in string.gmatch(os.getenv("BODIES") or os.getenv("BODY"), "[^,]+") do
  add(file)
end
local body = bodies[1]
wrk.body = body
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local counter = 0
local varying = #bodies > 1 or body:find("@N@", 1, true) ~= nil
function init(args)
  errors = 0
  shown = 0
end

function request()
  if varying then
    counter = counter + 1
    local b = bodies[(counter % #bodies) + 1]
    return wrk.format(nil, nil, nil, (b:gsub("@N@", tostring(id * 100000000 + counter))))
  end
  return wrk.format()
end

function response(status, headers, resp)
  if status ~= 200 or resp:find('"errors"', 1, true) then
    errors = errors + 1
    if shown < 2 then
      shown = shown + 1
      io.stderr:write("bad response " .. status .. ": " .. resp:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
  end
  io.write(string.format("RESULT requests=%d errors=%d socket_errors=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, e,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
