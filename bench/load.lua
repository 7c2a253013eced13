-- wrk script for bench/load_bench.py: requests from a prepared file, answers checked.
--
--   wrk -t2 -c16 -d5s -s bench/load.lua http://127.0.0.1:8001 -- FILE THREADS EXPECT [LOCATION] [once]
--
-- FILE holds one request a line, tab-separated: METHOD, PATH, COOKIE ("-" for none), BODY ("-"
-- for none). Thread n of THREADS takes lines n, n+THREADS, ... so no two threads share a line
-- (a file with fewer lines than threads is every thread's).
-- Every answer must have status EXPECT (and, when given, a Location containing LOCATION);
-- anything else counts as bad. With "once" each line is sent at most once (a final submit
-- consumes its draft): a thread that runs out stops, and says so.
--
-- Headers are those the portal's nginx sets (deploy/nginx/portal.conf), so the app sees a
-- production request: https via X-Forwarded-Proto, the trusted host, and a same-origin
-- Referer, which CSRF protection over https asks for.

local HOST = "ansoeg.bench.test"
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

local function field(s)
   if s == "-" then return nil end
   return s
end

function init(args)
   local file, count = args[1], tonumber(args[2])
   expect = tonumber(args[3])
   location = args[4]
   if location == "" or location == "-" then location = nil end
   once = args[5] == "once"
   local lines = {}
   for line in io.lines(file) do table.insert(lines, line) end
   requests = {}
   for n, line in ipairs(lines) do
      -- A file shorter than the thread count (the hello's one line) is every thread's.
      if #lines < count or (n - 1) % count == id - 1 then
         local method, path, cookie, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
         local headers = {
            ["Host"] = HOST,
            ["X-Forwarded-For"] = "127.0.0.1",
            ["X-Forwarded-Proto"] = "https",
            ["X-Forwarded-Host"] = HOST,
            ["Referer"] = "https://" .. HOST .. path,
         }
         if field(cookie) then headers["Cookie"] = cookie end
         body = field(body)
         if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
         table.insert(requests, wrk.format(method, path, headers, body))
      end
   end
   index = 0
   sent, ok, bad, exhausted = 0, 0, 0, 0
   statuses = {}
end

function request()
   if once and index >= #requests then
      exhausted = 1
      wrk.thread:stop()
      -- wrk needs a request to write; the last one again (a submit is idempotent).
      return requests[#requests]
   end
   index = index % #requests + 1
   sent = sent + 1
   return requests[index]
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   local good = status == expect
   if good and location then
      local where = headers["Location"] or headers["location"] or ""
      good = where:find(location, 1, true) ~= nil
   end
   if good then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
   local ok_all, bad_all, sent_all, exhausted_all = 0, 0, 0, 0
   local merged = {}
   for _, thread in ipairs(threads) do
      ok_all = ok_all + thread:get("ok")
      bad_all = bad_all + thread:get("bad")
      sent_all = sent_all + thread:get("sent")
      exhausted_all = exhausted_all + thread:get("exhausted")
      for code, n in pairs(thread:get("statuses")) do
         merged[code] = (merged[code] or 0) + n
      end
   end
   local parts = {}
   for code, n in pairs(merged) do
      table.insert(parts, string.format('"%s": %d', code, n))
   end
   local e = summary.errors
   io.write(string.format(
      'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"ok": %d, "bad": %d, "sent": %d, "exhausted_threads": %d, "statuses": {%s}, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      latency.max, ok_all, bad_all, sent_all, exhausted_all, table.concat(parts, ", "),
      e.connect, e.read, e.write, e.timeout))
end
