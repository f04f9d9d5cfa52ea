//! Pinyin of Chinese names, for search: a reader who cannot type Chinese
//! finds 怀柔科学城 by typing "huairou" or "huai rou ke xue cheng". The
//! readings come from the `pinyin` crate's dictionary, without tones.

use pinyin::{ToPinyin, ToPinyinMulti};

/// The toneless pinyin of `name_zh` for the search index: the syllables
/// spaced, then joined, then (joined) each reading where one character that
/// has several takes another than its usual one (重庆 is "zhong qing" by
/// the usual reading of 重, so "chongqing" comes from the other), all
/// separated by ` | `. Latin letters and digits in the name are kept as
/// words (lowercased); other characters are left out. Empty when the name
/// has no Chinese characters.
pub fn search_text(name_zh: &str) -> String {
    // Each word with its other readings (a Latin or digit run has none).
    let mut words: Vec<(String, Vec<&'static str>)> = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, words: &mut Vec<(String, Vec<&'static str>)>| {
        if !run.is_empty() {
            words.push((std::mem::take(run), Vec::new()));
        }
    };
    let mut han = false;
    for (c, (usual, all)) in name_zh
        .chars()
        .zip(name_zh.to_pinyin().zip(name_zh.to_pinyin_multi()))
    {
        match (usual, all) {
            (Some(p), Some(all)) => {
                flush(&mut run, &mut words);
                han = true;
                let others = all
                    .into_iter()
                    .map(|q| q.plain())
                    .filter(|q| *q != p.plain())
                    .fold(Vec::new(), |mut v, q| {
                        if !v.contains(&q) {
                            v.push(q);
                        }
                        v
                    });
                words.push((p.plain().to_string(), others));
            }
            _ if c.is_ascii_alphanumeric() => run.push(c.to_ascii_lowercase()),
            _ => flush(&mut run, &mut words),
        }
    }
    flush(&mut run, &mut words);
    if !han {
        return String::new();
    }
    let usual: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    let mut out = vec![usual.join(" "), usual.concat()];
    for (k, (_, others)) in words.iter().enumerate() {
        for other in others {
            let mut variant = usual.clone();
            variant[k] = other;
            out.push(variant.concat());
        }
    }
    out.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_and_joined_without_tones() {
        let text = search_text("怀柔科学城");
        assert!(
            text.starts_with("huai rou ke xue cheng | huairoukexuecheng"),
            "{text}"
        );
    }

    #[test]
    fn other_readings_of_a_character_are_found_too() {
        let text = search_text("重庆");
        assert!(text.split(" | ").any(|v| v == "chongqing"), "{text}");
    }

    #[test]
    fn latin_letters_and_digits_are_kept_and_punctuation_dropped() {
        let text = search_text("国家中长期科学和技术发展规划纲要（2006—2020年）");
        assert!(text.starts_with("guo jia zhong"), "{text}");
        assert!(text.contains(" 2006 2020 nian"), "{text}");
        assert_eq!(search_text("CAS"), "");
        assert_eq!(search_text(""), "");
    }
}
