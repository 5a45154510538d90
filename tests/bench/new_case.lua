-- wrk script: every request registers a new case (one new stream per request), so each
-- request is one durable 1-event append. Case ids are unique per thread and request.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
end

request = function()
  counter = counter + 1
  local path = string.format("/v1/cases/w%d-%d-%d/events", thread_id, counter, math.random(1, 1000000000))
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
