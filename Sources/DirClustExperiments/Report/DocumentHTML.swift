import DirClust

extension Document {
    /// The blocks as HTML for the report: a heading one level down (the page has its own `<h1>`), tables
    /// of class `summary` with numeric columns right-aligned, lists, paragraphs (lines joined by a space).
    var html: String {
        blocks.map { block in
            switch block {
            case let .heading(level, text):
                let tag = "h\(min(level + 1, 6))"
                return "<\(tag)>\(Self.html(text))</\(tag)>\n"
            case let .paragraph(lines):
                return "<p>" + lines.map(Self.html).joined(separator: " ") + "</p>\n"
            case let .list(items):
                return "<ul>\n" + items.map { "<li>\(Self.html($0))</li>\n" }.joined() + "</ul>\n"
            case let .table(t):
                func row(_ cells: [Inline], tag: String) -> String {
                    "<tr>" + cells.enumerated().map { i, c in
                        let align = i < t.numeric.count && t.numeric[i] ? " class=\"num\"" : ""
                        return "<\(tag)\(align)>\(Self.html(c))</\(tag)>"
                    }.joined() + "</tr>\n"
                }
                return "<table class=\"summary\">\n<thead>" + row(t.header, tag: "th") + "</thead>\n<tbody>\n"
                    + t.rows.map { row($0, tag: "td") }.joined() + "</tbody>\n</table>\n"
            }
        }.joined()
    }

    static func html(_ text: Inline) -> String {
        text.map { span in
            switch span {
            case .text(let s): markupEscape(s)
            case .code(let s): "<code>\(markupEscape(s))</code>"
            case .strong(let s): "<strong>\(markupEscape(s))</strong>"
            }
        }.joined()
    }
}
