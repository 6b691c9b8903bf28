-- links.lua -- pandoc filter for docs/book.sh: makes every relative link and
-- image of a page work from the rendered book in build/book/.
--
-- The Markdown sources live in different folders (docs/, chapters/NN-slug/,
-- the repository root) and link to each other by their .md paths. This
-- filter resolves each relative target against the source file's folder
-- (metadata `source`, a path from the repository root) and rewrites it:
--   a page that is in the book (chapters/NN-slug/README.md, docs/*.md that
--   book.sh renders, README.md)      -> its .html page, #fragment kept
--   docs/figures/NAME                -> figures/NAME (book.sh copies them)
--   anything else in the repository  -> ../../PATH (the file itself)
-- Absolute URLs, mailto: and #fragments are left alone.
--
-- It also lets a long inline code name break across lines after a "/" or a
-- "_" (an HTML <wbr>): a test name such as
-- `backward/large_filter_bank_on_two_threads` is one word to the browser,
-- and in a table it would push the table past the book's column.

local pages = {
  ["README.md"] = "readme.html",
  ["docs/index.md"] = "index.html",
  ["docs/figures.md"] = "figures.html",
  ["docs/performance.md"] = "performance.html",
  ["docs/ARCHITECTURE.md"] = "architecture.html",
}

local source_dir = "."

-- "a/b/../c/./d" -> "a/c/d"; nil when the path climbs out of the repository.
local function normalize(path)
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      if #parts == 0 then return nil end
      table.remove(parts)
    elseif part ~= "." then
      table.insert(parts, part)
    end
  end
  return table.concat(parts, "/")
end

local function rewrite(target)
  if target == "" or target:match("^#") or target:match("^%a[%w+.-]*:") or target:match("^/") then
    return target
  end
  local path, fragment = target:match("^([^#]*)(#?.*)$")
  local repo_path = normalize(source_dir .. "/" .. path)
  if not repo_path then return target end
  local slug = repo_path:match("^chapters/(%d%d%-[^/]+)/README%.md$")
  if slug then return slug .. ".html" .. fragment end
  if pages[repo_path] then return pages[repo_path] .. fragment end
  local figure = repo_path:match("^docs/figures/([^/]+)$")
  if figure then return "figures/" .. figure .. fragment end
  if repo_path == "" then return "../../" .. fragment end
  return "../../" .. repo_path .. fragment
end

-- Inline code longer than this many characters gets its break points.
local long_code = 16

local function breakable_code(el)
  if #el.text <= long_code or not el.text:match("[/_]") then return nil end
  local html = el.text:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;")
  html = html:gsub("([/_])", "%1<wbr>")
  return pandoc.RawInline("html", "<code>" .. html .. "</code>")
end

return {
  {
    Meta = function(meta)
      if meta.source then
        local src = pandoc.utils.stringify(meta.source)
        source_dir = src:match("^(.*)/[^/]*$") or "."
      end
    end,
  },
  {
    Link = function(el) el.target = rewrite(el.target); return el end,
    Image = function(el) el.src = rewrite(el.src); return el end,
    Code = breakable_code,
  },
}
