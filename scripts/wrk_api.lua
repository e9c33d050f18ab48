-- Load for wrk on the dashboard's API (RUNBOOK, section 8):
--   wrk -t2 -c20 -d30s --latency -s scripts/wrk_api.lua http://127.0.0.1:8080
-- Sends the first key of DASHBOARD_API_KEY (never on the command line, where `ps` shows it),
-- goes round five API routes and, at the end, counts the answers that were not 200 (wrk counts
-- a 3xx as a success: a page without a session would only measure the redirect to /login).

local paths = {
  "/api/summary",
  "/api/providers",
  "/api/top-products?limit=10",
  "/api/stock-timeline",
  "/api/low-stock",
}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local key = (os.getenv("DASHBOARD_API_KEY") or ""):match("^[^,]*"):gsub("%s", "")
  if key == "" then
    io.stderr:write("wrk_api.lua: falta DASHBOARD_API_KEY (todas las respuestas serán 401)\n")
  end
  wrk.headers["X-API-Key"] = key
  step = 0
  others = 0
end

function request()
  step = step % #paths + 1
  return wrk.format("GET", paths[step])
end

function response(status, headers, body)
  if status ~= 200 then
    others = others + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("others")
  end
  io.write(string.format("respuestas distintas de 200: %d\n", total))
end
