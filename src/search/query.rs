//! The words of a search as an analyst writes them: words, "exact phrases", prefix*, AND / OR /
//! NOT (and `-word`), brackets. A query that cannot be read so (an unbalanced quote or bracket,
//! a bare operator) is read as plain words, all required, and says so.

/// A read query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A word, as typed; `prefix` when it ended in `*`.
    Word { text: String, prefix: bool },
    /// Words that must follow one another, as typed.
    Phrase(Vec<String>),
    /// Every part must match; `Not` parts must not.
    And(Vec<Node>),
    /// Any part may match.
    Or(Vec<Node>),
    /// Must not match (only inside `And`).
    Not(Box<Node>),
}

/// A query read, and whether it had to be read as plain words.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub node: Node,
    pub relaxed: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String, bool),
    Phrase(Vec<String>),
    And,
    Or,
    Not,
    Minus,
    Open,
    Close,
}

/// The words of a text, split as the query reader splits them: letters and digits, with `'`
/// and `-` inside a word kept out (they separate words, as the index's tokenizers do).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn tokens(q: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let end = chars[i + 1..].iter().position(|&c| c == '"')? + i + 1;
            let inner: String = chars[i + 1..end].iter().collect();
            let ws = words(&inner);
            if !ws.is_empty() {
                out.push(Token::Phrase(ws));
            }
            i = end + 1;
        } else if c == '(' {
            out.push(Token::Open);
            i += 1;
        } else if c == ')' {
            out.push(Token::Close);
            i += 1;
        } else if c == '-'
            && chars
                .get(i + 1)
                .is_some_and(|n| n.is_alphanumeric() || *n == '"')
            && (i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '(')
        {
            out.push(Token::Minus);
            i += 1;
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let prefix = chars.get(i) == Some(&'*');
            if prefix {
                i += 1;
            }
            out.push(match word.as_str() {
                "AND" if !prefix => Token::And,
                "OR" if !prefix => Token::Or,
                "NOT" if !prefix => Token::Not,
                _ => Token::Word(word, prefix),
            });
        } else {
            // Punctuation between words (`U.S.`, `Putin's`, `co-operation`) separates them.
            i += 1;
        }
    }
    Some(out)
}

struct Reader {
    tokens: Vec<Token>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Option<Node> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Some(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Node::Or(parts)
        })
    }

    fn and(&mut self) -> Option<Node> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Token::Or) | Some(Token::Close) => break,
                Some(Token::And) => {
                    self.at += 1;
                    if parts.is_empty() {
                        return None;
                    }
                }
                Some(Token::Not) | Some(Token::Minus) => {
                    let binary = matches!(self.peek(), Some(Token::Not));
                    self.at += 1;
                    // `a NOT b` needs an `a`; `-b` may stand first (but not alone).
                    if binary && parts.is_empty() {
                        return None;
                    }
                    let part = self.unary()?;
                    parts.push(Node::Not(Box::new(part)));
                }
                Some(_) => parts.push(self.unary()?),
            }
        }
        if parts.iter().all(|p| matches!(p, Node::Not(_))) {
            return None;
        }
        Some(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Node::And(parts)
        })
    }

    fn unary(&mut self) -> Option<Node> {
        match self.tokens.get(self.at).cloned()? {
            Token::Word(text, prefix) => {
                self.at += 1;
                Some(Node::Word { text, prefix })
            }
            Token::Phrase(ws) => {
                self.at += 1;
                Some(if ws.len() == 1 {
                    Node::Word {
                        text: ws[0].clone(),
                        prefix: false,
                    }
                } else {
                    Node::Phrase(ws)
                })
            }
            Token::Open => {
                self.at += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return None;
                }
                self.at += 1;
                Some(inner)
            }
            _ => None,
        }
    }
}

/// Reads a query; `None` when it holds no word at all.
pub fn parse(q: &str) -> Option<Parsed> {
    let strict = tokens(q).and_then(|tokens| {
        let mut reader = Reader { tokens, at: 0 };
        let node = reader.or()?;
        (reader.at == reader.tokens.len()).then_some(node)
    });
    if let Some(node) = strict {
        return Some(Parsed {
            node,
            relaxed: false,
        });
    }
    let plain: Vec<Node> = words(q)
        .into_iter()
        .map(|text| Node::Word {
            text,
            prefix: false,
        })
        .collect();
    match plain.len() {
        0 => None,
        1 => Some(Parsed {
            node: plain.into_iter().next()?,
            relaxed: true,
        }),
        _ => Some(Parsed {
            node: Node::And(plain),
            relaxed: true,
        }),
    }
}

impl Node {
    /// The query written back, as it ran: plain words quoted the way the help shows them.
    pub fn show(&self) -> String {
        match self {
            Node::Word { text, prefix } => format!("{text}{}", if *prefix { "*" } else { "" }),
            Node::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
            Node::And(parts) => parts
                .iter()
                .map(|p| match p {
                    Node::Or(_) => format!("({})", p.show()),
                    _ => p.show(),
                })
                .collect::<Vec<_>>()
                .join(" "),
            Node::Or(parts) => parts
                .iter()
                .map(|p| match p {
                    Node::And(_) => format!("({})", p.show()),
                    _ => p.show(),
                })
                .collect::<Vec<_>>()
                .join(" OR "),
            Node::Not(inner) => format!("NOT {}", inner.show()),
        }
    }

    /// Every word the query asks for (not those it excludes), in order.
    pub fn positive_words(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_words(&mut out);
        out
    }

    fn collect_words(&self, out: &mut Vec<String>) {
        match self {
            Node::Word { text, .. } => out.push(text.clone()),
            Node::Phrase(ws) => out.extend(ws.iter().cloned()),
            Node::And(parts) | Node::Or(parts) => {
                for p in parts {
                    p.collect_words(out);
                }
            }
            Node::Not(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str) -> Node {
        Node::Word {
            text: t.into(),
            prefix: false,
        }
    }

    #[test]
    fn words_phrases_prefixes_and_operators_are_read() {
        let p = parse("sanctions \"Minsk agreements\" negotiat* NOT oil").unwrap();
        assert!(!p.relaxed);
        assert_eq!(
            p.node,
            Node::And(vec![
                word("sanctions"),
                Node::Phrase(vec!["Minsk".into(), "agreements".into()]),
                Node::Word {
                    text: "negotiat".into(),
                    prefix: true
                },
                Node::Not(Box::new(word("oil"))),
            ])
        );
        let p = parse("(Ukraine OR Crimea) AND -gas").unwrap();
        assert_eq!(
            p.node,
            Node::And(vec![
                Node::Or(vec![word("Ukraine"), word("Crimea")]),
                Node::Not(Box::new(word("gas"))),
            ])
        );
        assert_eq!(p.node.show(), "(Ukraine OR Crimea) NOT gas");
    }

    #[test]
    fn unreadable_queries_become_plain_words_and_say_so() {
        let p = parse("\"unbalanced NEAR( *").unwrap();
        assert!(p.relaxed);
        assert_eq!(p.node, Node::And(vec![word("unbalanced"), word("NEAR")]));
        let p = parse("NOT oil").unwrap();
        assert!(p.relaxed);
        assert_eq!(p.node, Node::And(vec![word("NOT"), word("oil")]));
        assert!(parse("  ** ").is_none());
    }

    #[test]
    fn punctuation_inside_words_separates_them() {
        let p = parse("Putin's co-operation U.S.").unwrap();
        assert!(!p.relaxed);
        assert_eq!(
            p.node.positive_words(),
            ["Putin", "s", "co", "operation", "U", "S"]
        );
    }
}
