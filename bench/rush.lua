-- The deadline rush: every request posts a distinct, valid expression of interest
-- (its own 11-digit tax code with a correct Luhn digit) to the open demo process.
-- Usage: wrk -s bench/rush.lua URL -- AREA_ID
local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  area_id = args[1] or "1"
  sent = 0
  created = 0
  rejected = 0
end

-- Ten digits of n followed by the Luhn check digit (DOMAIN.md).
local function tax_code(n)
  local body = string.format("%010d", n)
  local sum = 0
  for i = 1, 10 do
    local d = tonumber(body:sub(i, i))
    if i % 2 == 0 then
      d = d * 2
      if d > 9 then d = d - 9 end
    end
    sum = sum + d
  end
  return body .. tostring((10 - sum % 10) % 10)
end

request = function()
  sent = sent + 1
  local n = thread_number * 100000000 + sent
  local body = string.format([[{"applicant":{"kind":"organization","name":"Associazione %d","legal_form":"aps","tax_code":"%s","legal_representative":"Rappresentante %d","address":"Via del Carico 1","municipality":"Esempio","email":"org%d@bench.invalid","founded_on":"2015-01-01"},"participations":[{"area_id":"%s","representative":{"name":"Referente %d","email":"ref%d@bench.invalid"}}],"privacy_accepted":true,"declaration_accepted":true}]],
    n, tax_code(n), n, n, area_id, n, n)
  -- Each submission comes from its own client address, as in a real rush, through
  -- the trusted-proxy setting the benchmark starts the server with: the per-client
  -- limit on public writes is in place and the figure stays comparable.
  local client = string.format("10.%d.%d.%d", thread_number % 256, math.floor(sent / 256) % 256, sent % 256)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Forwarded-For"] = client}, body)
end

response = function(status, headers, body)
  if status == 201 then created = created + 1 else rejected = rejected + 1 end
end

done = function(summary, latency, requests)
  local total_created, total_rejected = 0, 0
  for _, thread in ipairs(threads) do
    total_created = total_created + thread:get("created")
    total_rejected = total_rejected + thread:get("rejected")
  end
  io.write(string.format("created=%d rejected=%d\n", total_created, total_rejected))
end
