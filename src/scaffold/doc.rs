//! `dvk new article "Tiêu đề"` and `dvk new page "Tiêu đề"`: a news article under
//! `content/news/<date>-<title slug>.md` and a plain page under `content/pages/<title slug>.md`,
//! each with its front matter filled in and explained in Vietnamese comments. Never overwrites.
//! A page is not in the menu until `menu:` of site.yaml names it; meanwhile the footer links it.

use super::{file_slug, parse_date, quote, site_root, today_iso, write_new, Created, NewError};
use crate::lints::PLACEHOLDER;
use std::path::PathBuf;

/// A new article or page.
#[derive(Debug, Clone, Default)]
pub struct NewDoc {
    /// The site folder.
    pub root: PathBuf,
    /// Title.
    pub title: String,
    /// Date of an article, `YYYY-MM-DD` (default: today).
    pub date: Option<String>,
    /// Slugs of the models an article is about.
    pub models: Vec<String>,
}

fn title_of(opts: &NewDoc, example: &str) -> Result<String, NewError> {
    let title = vntext::nfc(opts.title.trim()).into_owned();
    if title.is_empty() {
        return Err(NewError::Usage(crate::msg!(
            "new.empty_title_doc",
            example = example
        )));
    }
    site_root(&opts.root)?;
    Ok(title)
}

/// Writes a new article.
pub fn new_article(opts: &NewDoc) -> Result<Created, NewError> {
    let title = title_of(opts, "dvk new article \"Hội nghị tổng kết phong trào\"")?;
    let date = match &opts.date {
        Some(d) if parse_date(d).is_some() => d.trim().to_string(),
        Some(d) => return Err(NewError::Usage(crate::msg!("new.bad_date", date = d))),
        None => today_iso(),
    };
    let slug = file_slug(&title, "tin");
    let rel = PathBuf::from("content/news").join(format!("{date}-{slug}.md"));
    let mut s = String::from("---\n");
    s.push_str(
        "# Phần thông tin của bài. Dòng bắt đầu bằng dấu # là ghi chú, không hiện trên trang.\n",
    );
    s.push_str(&format!(
        "title: {}   # Tiêu đề bài (bắt buộc)\n",
        quote(&title)
    ));
    s.push_str(&format!(
        "date: {date}   # Ngày đăng, dạng NĂM-THÁNG-NGÀY (bắt buộc)\n"
    ));
    s.push_str("# author: \"Tên tác giả\"   # Tác giả (không bắt buộc)\n");
    s.push_str("# summary: \"Một hai câu tóm tắt\"   # Hiện trong danh sách tin; bỏ trống thì lấy đoạn đầu\n");
    if opts.models.is_empty() {
        s.push_str("# models: [\"ten-mo-hinh\"]   # Mô hình mà bài nói đến (phần cuối địa chỉ trang mô hình); hai trang sẽ dẫn đến nhau\n");
    } else {
        let list: Vec<String> = opts.models.iter().map(|m| quote(m.trim())).collect();
        s.push_str(&format!(
            "models: [{}]   # Mô hình mà bài nói đến; hai trang sẽ dẫn đến nhau\n",
            list.join(", ")
        ));
    }
    s.push_str("# photos:   # Ảnh đặt trong content/news/, nhớ ghi chú thích:\n");
    s.push_str("#   - { src: \"anh-1.jpg\", caption: \"Quang cảnh hội nghị\", credit: \"Tên người chụp\" }\n");
    s.push_str("---\n\n");
    s.push_str(&format!("{PLACEHOLDER}: nội dung bài viết.)\n"));
    write_new(&opts.root, &rel, &s)?;
    Ok(Created {
        path: rel,
        notes: vec![crate::msg!("new.fill_text")],
    })
}

/// Writes a new page.
pub fn new_page(opts: &NewDoc) -> Result<Created, NewError> {
    let title = title_of(opts, "dvk new page \"Liên hệ\"")?;
    let slug = file_slug(&title, "trang");
    let rel = PathBuf::from("content/pages").join(format!("{slug}.md"));
    let mut s = String::from("---\n");
    s.push_str(
        "# Phần thông tin của trang. Dòng bắt đầu bằng dấu # là ghi chú, không hiện trên trang.\n",
    );
    s.push_str(&format!(
        "title: {}   # Tiêu đề trang (bắt buộc)\n",
        quote(&title)
    ));
    s.push_str("# summary: \"Một câu giới thiệu trang\"   # Không bắt buộc\n");
    s.push_str("---\n\n");
    s.push_str(&format!("{PLACEHOLDER}: nội dung của trang.)\n"));
    write_new(&opts.root, &rel, &s)?;
    Ok(Created {
        path: rel,
        notes: vec![
            crate::msg!("new.page_menu", slug = slug),
            crate::msg!("new.fill_text"),
        ],
    })
}
