//! A saved web page as text: the main content only (the `<main>` or
//! `<article>` when the page has one), without scripts, styles, navigation,
//! headers and footers, forms, share buttons or photo captions.

use super::unescape;

/// Elements whose content is never part of the notice.
const DROPPED: [&str; 16] = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "head",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "select",
    "figcaption",
    "menu",
    "dialog",
];

/// Elements that end a line of text.
const BLOCKS: [&str; 27] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "main",
    "header",
    "table",
    "tbody",
    "thead",
    "tr",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "figure",
    "hr",
];

/// How deep a page's elements may nest before the rest is read as flat text.
const MAX_DEPTH: usize = 512;

pub fn text(page: &str) -> String {
    let main = main_content(page);
    let mut out = String::with_capacity(main.len() / 2);
    let mut dropped: Vec<String> = Vec::new();
    let mut rest = main;
    let mut cell_in_row = 0usize;
    while let Some(open) = rest.find('<') {
        if dropped.is_empty() {
            push_text(&rest[..open], &mut out);
        }
        let after = &rest[open..];
        if after.starts_with("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[1..close];
        rest = &after[close + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if DROPPED.contains(&name.as_str()) {
            if closing {
                if let Some(at) = dropped.iter().rposition(|d| *d == name) {
                    dropped.truncate(at);
                }
            } else if !tag.ends_with('/') && dropped.len() < MAX_DEPTH {
                dropped.push(name);
            }
            continue;
        }
        if !dropped.is_empty() {
            continue;
        }
        match (name.as_str(), closing) {
            ("tr", false) => cell_in_row = 0,
            ("td" | "th", false) => {
                if cell_in_row > 0 {
                    out.push('\t');
                }
                cell_in_row += 1;
            }
            ("li", false) => {
                new_line(&mut out);
                out.push_str("- ");
            }
            ("a", false) => meeting_link(tag, &mut out),
            (block, _) if BLOCKS.contains(&block) => new_line(&mut out),
            _ => {}
        }
    }
    if dropped.is_empty() {
        push_text(rest, &mut out);
    }
    out.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

/// The `<main>` element, or else the page's `<article>` elements, or else the
/// whole page.
fn main_content(page: &str) -> &str {
    let lower = page.to_ascii_lowercase();
    for tag in ["main", "article"] {
        if let Some(start) = find_open(&lower, tag) {
            let end = lower.rfind(&format!("</{tag}>")).filter(|&e| e > start).unwrap_or(page.len());
            return &page[start..end];
        }
    }
    page
}

/// The start of the first `<tag>` or `<tag …>` (not `<tagname…>`).
fn find_open(lower: &str, tag: &str) -> Option<usize> {
    let pattern = format!("<{tag}");
    lower
        .match_indices(&pattern)
        .map(|(at, _)| at)
        .find(|&at| lower[at + pattern.len()..].chars().next().is_some_and(|c| c == '>' || c.is_whitespace()))
}

/// Text between tags: whitespace collapsed as a browser does, entities decoded.
fn push_text(raw: &str, out: &mut String) {
    let mut decoded = String::with_capacity(raw.len());
    unescape(raw, &mut decoded);
    for (index, word) in decoded.split(|c: char| c.is_whitespace() && c != '\u{a0}').enumerate() {
        let starts_with_space = index > 0 || decoded.starts_with(char::is_whitespace);
        if starts_with_space && !out.is_empty() && !out.ends_with([' ', '\n', '\t']) {
            out.push(' ');
        }
        out.push_str(word);
    }
}

fn new_line(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// A link to an online meeting keeps its address in the text ("Partecipa"
/// alone would lose it); e-mail links keep theirs too.
fn meeting_link(tag: &str, out: &mut String) {
    let lower = tag.to_ascii_lowercase();
    let Some(at) = lower.find("href=") else {
        return;
    };
    let value = &tag[at + 5..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
    let href = match quote {
        Some(q) => value[1..].split(q).next().unwrap_or(""),
        None => value.split(char::is_whitespace).next().unwrap_or(""),
    };
    let keep = ["meet.google.com", "zoom.us", "teams.microsoft.com", "teams.live.com", "webex.com", "mailto:"]
        .iter()
        .any(|host| href.contains(host));
    if keep {
        if !out.ends_with([' ', '\n']) && !out.is_empty() {
            out.push(' ');
        }
        let mut decoded = String::new();
        unescape(href.trim_start_matches("mailto:"), &mut decoded);
        out.push_str(&decoded);
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_text_only() {
        let page = r#"<!DOCTYPE html><html><head><title>Comune</title><script>var a = "<p>no</p>";</script></head>
            <body><nav><ul><li>Home</li><li>Servizi</li></ul></nav>
            <main><h1>Avviso pubblico</h1><figure><img src="x.jpg"><figcaption>Foto di repertorio</figcaption></figure>
            <p>Il primo   incontro si terr&agrave;
            il <b>5 marzo</b>.</p><ul><li>Tavolo anziani</li><li>Tavolo minori</li></ul>
            <div class="share"><button>Condividi</button></div></main>
            <footer>P.IVA 0123</footer></body></html>"#;
        assert_eq!(
            text(page),
            "Avviso pubblico\nIl primo incontro si terrà il 5 marzo.\n- Tavolo anziani\n- Tavolo minori"
        );
    }

    #[test]
    fn tables_become_tab_separated_rows_and_meeting_links_stay() {
        let page = "<table><tr><th>DATA</th><th>ORE</th></tr><tr><td>5/3/2024</td><td>9,00</td></tr></table>\
            <p><a href=\"https://meet.google.com/abc-defg-hij\">Partecipa</a></p>";
        assert_eq!(text(page), "DATA\tORE\n5/3/2024\t9,00\nhttps://meet.google.com/abc-defg-hij Partecipa");
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for page in ["<p>a <b", "<script>never closed", "<!-- open", "</main></div>", "<a href=>x</a>", "<p>é</p"] {
            let _ = text(page);
        }
    }
}
