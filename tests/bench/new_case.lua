-- wrk script: every request registers a new case (one new stream per request), so each
-- request is one durable 1-event append. Case ids are unique per thread and request, and per
-- wrk process: each thread draws a random tag from /dev/urandom, because LuaJIT's
-- math.random starts from the same seed in every process, and a second run against the same
-- store would otherwise repeat the first run's ids and get 409s (cheap, not appends).
-- NEW_CASE_DELAY_MS=D (environment): each connection waits D ms before each request (wrk's
-- delay()), which holds the rate below what the server can take, for latency at a set rate:
-- with 64 connections about 64,000 / (D + the mean latency in ms) requests/s.
local counter = 0
local thread_id = 0
local tag = ""
local threads = {}
local pause = tonumber(os.getenv("NEW_CASE_DELAY_MS") or "")
if pause then
  delay = function() return pause end
end

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  local f = assert(io.open("/dev/urandom", "rb"))
  local bytes = f:read(6)
  f:close()
  tag = bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end)
end

request = function()
  counter = counter + 1
  local path = string.format("/v1/cases/w%d-%s-%d/events", thread_id, tag, counter)
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer bench-intake",
    ["Content-Type"] = "application/json"
  }, '{"type":"CaseRegistered","data":{"person":{"name":"Bench Person"}}}')
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
