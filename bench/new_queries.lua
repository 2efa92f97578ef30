-- wrk script: every request a SPARQL query never asked before (the small queries of
-- bench/run.py in turn, each with a counter in a comment), and a JSON summary at the end.
-- The server answers /sparql (archivekg) or /query (Oxigraph): the path comes from the URL.
local queries = {
  "SELECT ?label WHERE { <http://localhost:5000/id/person/mao-zedong> <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
  "ASK { <http://localhost:5000/id/person/mao-zedong> a <http://schema.org/Person> }",
  "SELECT ?d WHERE { <http://localhost:5000/id/person/mao-zedong> <https://w3id.org/archivekg/ontology#mentionedIn> ?d } LIMIT 10",
}
local repeat_queries = os.getenv("REPEAT") == "1"
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local threads, thread_id, counter = {}, 0, 0
function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end
function request()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  if not repeat_queries then q = q .. " #" .. tid .. "-" .. counter end
  return wrk.format("GET", wrk.path .. "?query=" .. encode(q), {["Accept"] = "application/sparql-results+json"})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout, e.connect, e.read, e.write, e.status, e.timeout))
end
