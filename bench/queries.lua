-- Each request asks the next of many different searches (one a line in the file QUERIES names,
-- already URL-encoded), after wrk.path. A session cookie keeps the page cache from answering
-- Stenogram's requests, so every request searches.
wrk.headers["Cookie"] = "stenogram_session=benchmark"
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do
  if line ~= "" then queries[#queries + 1] = line end
end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. queries[(counter % #queries) + 1])
end
