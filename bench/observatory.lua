-- Observatory searches as real traffic asks them: a pair of words drawn from the
-- generated catalogue's vocabulary (with a few that match nothing), a province or
-- none, and a page among the first three.
-- Usage: wrk -s bench/observatory.lua URL -- MODE
--   cold: every request is a search never asked before in the run (no repeats, even
--         across wrk's threads), so no cache can answer it;
--   zipf: requests drawn from 2,000 searches by a Zipf law (s = 1), as a public
--         catalogue's queries are: a few very common, a long tail.
local words = {
  "altamura", "molfetta", "andria", "barletta", "brindisi", "ostuni", "foggia", "lucera",
  "galatina", "maglie", "taranto", "manduria", "welfare", "accesso", "politiche",
  "familiari", "tutela", "minori", "invecchiamento", "attivo", "integrazione",
  "persone", "disabilità", "autosufficienza", "promozione", "inclusione", "sociale",
  "contrasto", "povertà", "prevenzione", "maltrattamento", "violenza", "donne",
  "opportunità", "conciliazione", "lavoro", "percorso", "partecipato", "piano", "zona",
  "tavoli", "tematici", "associazioni", "terzo", "settore", "assemblee", "pubbliche",
  "itineranti", "comuni", "laboratori", "progettazione", "cooperative", "questionari",
  "focus", "cittadini", "sessioni", "plenarie", "sindacati", "bisogni", "territorio",
  "priorità", "interventi", "proposte", "frazione", "municipio", "coordinamento",
  "ufficio", "istituzionale", "viol", "prev", "coop", "inclu", "pari", "anziani",
  "giovani", "zibaldone", "zanzara", "montagna",
}
local provinces = { "", "BA", "BT", "BR", "FG", "LE", "TA" }

local function encode(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- The n-th search of the enumeration: every n below #words^2 * #provinces * 3 is a
-- different search.
local function search(n)
  local w = #words
  local first = words[n % w + 1]
  local second = words[math.floor(n / w) % w + 1]
  local province = provinces[math.floor(n / (w * w)) % #provinces + 1]
  local page = math.floor(n / (w * w * #provinces)) % 3 + 1
  local path = "/api/v1/observatory?q=" .. encode(first .. " " .. second) .. "&page=" .. page
  if province ~= "" then path = path .. "&province=" .. province end
  return path
end

local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

local queries = 2000
local cumulative = {}

function init(args)
  mode = args[1] or "cold"
  sent = 0
  failed = 0
  if mode == "zipf" then
    local total = 0
    for rank = 1, queries do
      total = total + 1 / rank
      cumulative[rank] = total
    end
    for rank = 1, queries do cumulative[rank] = cumulative[rank] / total end
    math.randomseed(42 + thread_number)
  end
end

-- A stride that is prime to the enumeration's size spreads consecutive requests
-- over words, provinces and pages alike.
local stride = 7919

request = function()
  sent = sent + 1
  local n
  if mode == "zipf" then
    local u, lo, hi = math.random(), 1, queries
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cumulative[mid] < u then lo = mid + 1 else hi = mid end
    end
    n = lo * stride
  else
    -- Of wrk's two threads (bench/lib.sh runs two), each takes every other number:
    -- no two requests share one.
    n = ((sent - 1) * 2 + thread_number) * stride
  end
  return wrk.format("GET", search(n))
end

response = function(status)
  if status ~= 200 then failed = failed + 1 end
end

function done()
  local total_failed = 0
  for _, thread in ipairs(threads) do total_failed = total_failed + thread:get("failed") end
  if total_failed > 0 then io.stderr:write(string.format("%d answers were not 200\n", total_failed)) end
end
