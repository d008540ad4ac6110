//! The pages of one kind each: a model, an article, a listing, a year's report (with its
//! Word file); each renders its context through its template into the sink.

use super::*;
use crate::site::moved::PlaceRef;

impl<'a> Renderer<'a> {
    pub(super) fn model_page(&self, sink: &dyn Sink, i: usize) -> Made {
        let s = self.site;
        let t = &self.theme.i18n;
        let m = &s.models[i];
        let path = routes::model(&s.slugs[i]);
        // Everything the page shows but its body, then the body: the page is kept from the
        // last build when all of it is as it was ([`memo`]).
        let photo_views = self.photo_views(&m.photos, &m.origin.path);
        let og = m
            .photos
            .first()
            .and_then(|p| self.photos.get(&p.file).ok())
            .and_then(|p| photos::og_url(&self.urls, &p));
        let mut view = views::model(s, &self.urls, t, i, String::new(), photo_views);
        let mut crumbs = vec![
            json!({"label": t.fill("common.year_n", &[("year", &m.year.to_string())]), "url": self.urls.year(m.year)}),
        ];
        crumbs.push(json!({"label": view.province.name, "url": view.province.url}));
        if let Some(d) = &view.district {
            crumbs.push(json!({"label": d.name, "url": d.url}));
        }
        // Since 1 July 2025 a commune is right under its province, with its own page.
        if let (Some(d), Some(url)) = (s.model_district[i], &view.commune_url) {
            crumbs.push(json!({"label": s.districts[d].name, "url": url}));
        }
        let related = s.related(i, RELATED_MAX);
        let articles: Vec<_> = s.model_articles[i]
            .iter()
            .map(|&a| self.article_summary(a))
            .collect();
        let doc = self.model_doc(i, String::new());
        let file = memo::page_file(&path);
        // Only a body of Markdown alone (its hash known, nothing linked) is keyed.
        // The search document's key: its fields and the body's Markdown (its text depends
        // on nothing else when nothing is linked).
        let doc_key =
            (m.body.hash != 0).then(|| memo::doc_key(dvk_search::doc_key(&doc), m.body.hash));
        let key = doc_key.filter(|_| self.memo.is_active()).map(|doc_key| {
            self.page_key("model.html", |h| {
                memo::feed(h, &(&path, &m.title, &s.summaries[i], doc_key));
                memo::feed(h, &(&view, &crumbs, &og, &articles));
                self.feed_cards(h, &related);
            })
        });
        if let (Some(k), Some(doc_key)) = (key, doc_key) {
            if self.memo.kept(sink, &file, k, doc_key) {
                self.files.fetch_add(1, Ordering::Relaxed);
                return Made {
                    path: Some(path),
                    doc: Some(doc),
                    key: Some(doc_key),
                };
            }
        }
        let mut problems = Vec::new();
        let r = self.model_body(i, &mut problems);
        // A body that links or shows files, highlights code or has problems depends on more
        // than its Markdown: never kept.
        let keyed = problems.is_empty() && !r.looked_up && !r.has_code;
        let (key, doc_key) = (key.filter(|_| keyed), doc_key.filter(|_| keyed));
        problems.into_iter().for_each(|d| self.diag(d));
        self.copy_assets(sink, &path, &r, &m.origin.path);
        let mut ctx = self.context(&path, &m.title, &s.summaries[i]);
        self.with_code_css(&mut ctx, &r);
        view.body_html = r.html;
        ctx.insert("breadcrumbs", &crumbs);
        ctx.insert("og_type", "article");
        if let Some(og) = og {
            ctx.insert("og_image", &og);
        }
        ctx.insert_value("related", self.card_list(&related));
        ctx.insert("articles", &articles);
        ctx.insert("model", &view);
        Made {
            path: self.page_keyed(sink, "model.html", &path, ctx, key),
            doc: Some(dvk_search::SearchDoc {
                body: r.text,
                ..doc
            }),
            key: doc_key,
        }
    }

    /// The body of model `i` rendered, its problems put in `problems`.
    fn model_body(&self, i: usize, problems: &mut Vec<Diagnostic>) -> Rendered {
        let m = &self.site.models[i];
        let taken = self.taken_bodies.get(i).map(|taken| {
            let taken = taken.lock().unwrap_or_else(|e| e.into_inner()).take();
            crate::content::Body {
                markdown: self.taken_markdown(i, taken),
                ..m.body.clone()
            }
        });
        self.body_into(&m.origin.path, taken.as_ref().unwrap_or(&m.body), problems)
    }

    /// The Markdown of model `i` moved out of the site: as kept, or read again from its file.
    pub(super) fn taken_markdown(&self, i: usize, taken: Option<crate::site::TakenBody>) -> String {
        use crate::site::TakenBody;
        let rel = &self.site.models[i].origin.path;
        match taken {
            Some(TakenBody::Kept(markdown)) => markdown,
            Some(TakenBody::InFile(kept)) => {
                let mut d = Vec::new();
                crate::content::reread_model_body(self.root, rel, kept, &mut d).unwrap_or_else(
                    || {
                        d.into_iter().for_each(|d| self.diag(d));
                        String::new()
                    },
                )
            }
            None => String::new(),
        }
    }

    /// The search document of model `i`, given the plain text of its body.
    pub(super) fn model_doc(&self, i: usize, text: String) -> dvk_search::SearchDoc {
        let s = self.site;
        let m = &s.models[i];
        dvk_search::SearchDoc {
            url: routes::model(&s.slugs[i]),
            kind: dvk_search::DocKind::Model,
            title: m.title.clone(),
            place: s.place_of(i),
            // Former and today's names of its units: "vinh long" finds the Bến Tre models,
            // "ben tre" the models of today's communes that were Bến Tre's.
            place_aliases: Arc::clone(
                &self
                    .place_aliases
                    .get_or_init(|| crate::site::places::all_search_aliases(s, false))[i],
            ),
            province: Some(s.provinces[s.model_province[i]].name.clone()),
            district: s.model_district[i].map(|d| s.districts[d].name.clone()),
            year: Some(m.year),
            field: Some(s.config.fields[m.field].label.clone()),
            exemplary: m.exemplary,
            host: m.host.clone(),
            tags: m.tags.clone(),
            summary: s.summaries[i].to_string(),
            body: text,
        }
    }

    /// The search document of article `a`, given its summary and the plain text of its body.
    pub(super) fn article_doc(
        &self,
        a: usize,
        summary: String,
        text: String,
    ) -> dvk_search::SearchDoc {
        let art = &self.site.articles[a];
        dvk_search::SearchDoc {
            url: routes::article(&art.slug),
            kind: dvk_search::DocKind::Article,
            title: art.article.title.clone(),
            year: self.article_year(a),
            host: art.article.author.clone().unwrap_or_default(),
            summary,
            body: text,
            ..Default::default()
        }
    }

    /// The year of article `a`, from its date.
    pub(super) fn article_year(&self, a: usize) -> Option<i32> {
        self.site.articles[a]
            .article
            .date
            .get(..4)
            .and_then(|y| y.parse().ok())
    }

    /// The search document of plain page `p`, given its summary and the plain text of its body.
    pub(super) fn page_doc(
        &self,
        p: usize,
        summary: String,
        text: String,
    ) -> dvk_search::SearchDoc {
        let sp = &self.site.pages[p];
        dvk_search::SearchDoc {
            url: routes::page(&sp.slug),
            kind: dvk_search::DocKind::Page,
            title: sp.page.title.clone(),
            summary,
            body: text,
            ..Default::default()
        }
    }

    pub(super) fn article_page(&self, sink: &dyn Sink, a: usize) -> Made {
        let s = self.site;
        let t = &self.theme.i18n;
        let art = &s.articles[a];
        let path = routes::article(&art.slug);
        let r = self.body(&art.article.origin.path, &art.article.body);
        self.copy_assets(sink, &path, &r, &art.article.origin.path);
        let summary = self.article_summary(a);
        let mut ctx = self.context(&path, &art.article.title, &summary.summary);
        self.with_code_css(&mut ctx, &r);
        ctx.insert(
            "breadcrumbs",
            &vec![json!({"label": t.get("nav.news"), "url": self.urls.url(routes::NEWS)})],
        );
        ctx.insert("og_type", "article");
        let photos = self.photo_views(&art.article.photos, &art.article.origin.path);
        if let Some(og) = art
            .article
            .photos
            .first()
            .and_then(|p| self.photos.get(&p.file).ok())
            .and_then(|p| photos::og_url(&self.urls, &p))
        {
            ctx.insert("og_image", &og);
        }
        ctx.insert(
            "article",
            &json!({
                "title": art.article.title, "date": art.article.date, "date_display": summary.date_display,
                "author": art.article.author, "summary": summary.summary, "body_html": r.html,
                "photos": photos, "models": self.card_list(&art.models),
            }),
        );
        let doc = self.article_doc(a, summary.summary, r.text);
        Made {
            path: self.page(sink, "article.html", &path, ctx),
            doc: Some(doc),
            key: None,
        }
    }

    pub(super) fn plain_page(&self, sink: &dyn Sink, p: usize) -> Made {
        let sp = &self.site.pages[p];
        let path = routes::page(&sp.slug);
        let r = self.body(&sp.page.origin.path, &sp.page.body);
        self.copy_assets(sink, &path, &r, &sp.page.origin.path);
        let desc = page_description(sp, &r);
        let mut ctx = self.context(&path, &sp.page.title, &desc);
        self.with_code_css(&mut ctx, &r);
        ctx.insert(
            "page",
            &json!({"title": sp.page.title, "body_html": r.html, "slug": sp.slug}),
        );
        Made {
            path: self.page(sink, "page.html", &path, ctx),
            doc: Some(self.page_doc(p, desc, r.text)),
            key: None,
        }
    }

    /// The search document of article `a` without its page: the body's text only (no
    /// template, no photo processed), for `serve`'s background check.
    pub(super) fn article_search_doc(&self, a: usize) -> dvk_search::SearchDoc {
        let art = &self.site.articles[a];
        let r = self.body(&art.article.origin.path, &art.article.body);
        self.article_doc(a, self.article_summary(a).summary, r.text)
    }

    /// The search document of plain page `p` without its page (see [`Self::article_search_doc`]).
    pub(super) fn page_search_doc(&self, p: usize) -> dvk_search::SearchDoc {
        let sp = &self.site.pages[p];
        let r = self.body(&sp.page.origin.path, &sp.page.body);
        let desc = page_description(sp, &r);
        self.page_doc(p, desc, r.text)
    }

    /// The models per field of listing `kind` (its `items`), counted on its first page
    /// rendered: counting on every page would cost items × pages.
    pub(super) fn list_totals(&self, kind: ListKind, items: &[usize]) -> Arc<Vec<usize>> {
        let mut cache = self.list_totals.lock().unwrap_or_else(|e| e.into_inner());
        let totals = cache.entry(kind).or_insert_with(|| {
            let mut totals = vec![0; self.site.config.fields.len()];
            for &i in items {
                totals[self.site.models[i].field] += 1;
            }
            Arc::new(totals)
        });
        Arc::clone(totals)
    }

    /// Province `p`'s models in its listing's order when the listing is grouped
    /// ([`dia_ban::grouped_order`]), made on its first page rendered.
    fn province_order(&self, p: usize) -> Option<Arc<Vec<usize>>> {
        let mut cache = self
            .province_orders
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        cache
            .entry(p)
            .or_insert_with(|| dia_ban::grouped_order(self.site, p).map(Arc::new))
            .clone()
    }

    pub(super) fn listing(&self, sink: &dyn Sink, kind: ListKind, page: usize) -> Option<String> {
        let s = self.site;
        let t = &self.theme.i18n;
        let (path, items) = (self.listing_path(kind), listing_items(s, kind));
        let (kind_name, heading, crumbs): (&str, String, Vec<Value>) = match kind {
            ListKind::Year(y) => ("year", format!("{} {y}", t.get("listing.year")), vec![]),
            ListKind::Province(p) => (
                "province",
                self.place_heading(PlaceRef::Province(p)),
                vec![json!({"label": t.get("nav.places"), "url": self.urls.url(routes::PLACES)})],
            ),
            ListKind::District(d) => {
                let di = &s.districts[d];
                let pr = &s.provinces[di.province];
                (
                    "district",
                    self.place_heading(PlaceRef::District(d)),
                    vec![
                        json!({"label": t.get("nav.places"), "url": self.urls.url(routes::PLACES)}),
                        json!({"label": pr.name, "url": views::province_url(s, &self.urls, di.province)}),
                    ],
                )
            }
            ListKind::Field(f) => {
                let field = &s.config.fields[f];
                (
                    "field",
                    format!("{} {}", t.get("listing.field"), field.label),
                    vec![],
                )
            }
            ListKind::Exemplary => ("exemplary", t.get("listing.exemplary"), vec![]),
        };
        let pages = pager::page_count(items.len());
        let page_path = routes::listing_page(&path, page);
        let title = paged_title(t, &heading, page);
        let description = format!(
            "{heading}: {}",
            t.fill("common.models_n", &[("n", &items.len().to_string())])
        );
        let mut ctx = self.context(&page_path, &title, &description);
        ctx.insert("kind", kind_name);
        ctx.insert("heading", &heading);
        ctx.insert("total", &items.len());
        let totals = self.list_totals(kind, items);
        ctx.insert("field_counts", &views::field_counts(s, &self.urls, &totals));
        // A province's models grouped by former province and district, then by commune: the
        // groups of this page (a group that goes on over several pages says so).
        let grouped = match kind {
            ListKind::Province(p) => self.province_order(p),
            _ => None,
        };
        let shown = pager::slice(grouped.as_deref().map_or(items, Vec::as_slice), page);
        // The groups of a province's page, with each card made by `card`.
        let groups = |card: &dyn Fn(usize) -> Value| match (kind, &grouped) {
            (ListKind::Province(p), Some(order)) => {
                let before = page
                    .checked_sub(1)
                    .and_then(|n| (n * pager::PER_PAGE).checked_sub(1))
                    .and_then(|k| order.get(k).copied());
                Some(dia_ban::item_groups(
                    s, &self.urls, t, p, shown, before, card,
                ))
            }
            _ => None,
        };
        ctx.insert(
            "pager",
            &pager::pager(&path, page, pages, |p| self.urls.url(p)),
        );
        ctx.insert("breadcrumbs", &crumbs);
        if let ListKind::Province(p) = kind {
            let children: Vec<views::Count> = s.provinces[p]
                .districts
                .iter()
                .map(|&d| views::Count {
                    label: s.districts[d].name.clone(),
                    url: Some(views::district_url(s, &self.urls, d)),
                    count: s.districts[d].models.len(),
                })
                .collect();
            ctx.insert("children", &children);
            ctx.insert("child_groups", &dia_ban::child_groups(s, &self.urls, t, p));
            ctx.insert("today", &dia_ban::today_link(s, &self.urls, p));
        }
        if let ListKind::Year(y) = kind {
            ctx.insert("report_url", &self.urls.url(&routes::year_report(y)));
        }
        let scope = match kind {
            ListKind::Year(y) => Some(charts::Scope::Year(y)),
            ListKind::Province(p) => Some(charts::Scope::Province(p)),
            ListKind::District(d) => Some(charts::Scope::District(d)),
            ListKind::Field(f) => Some(charts::Scope::Field(f)),
            ListKind::Exemplary => None,
        };
        if let (Some(scope), 1) = (scope, page) {
            let cs = charts::build(s, &self.urls, t, &stats::compute(s, items), scope, &path);
            self.write_charts(sink, &cs);
            ctx.insert("charts", &cs);
        }
        // The cards go in only when the page is rendered; its key takes their keys, and the
        // groups with each card's key in its place.
        let key = |h: &mut xxhash_rust::xxh3::Xxh3| {
            memo::feed(h, &groups(&|i| Value::from(self.kept_card(i).key)));
            self.feed_cards(h, shown);
        };
        let fill = |ctx: &mut Context| {
            if let Some(groups) = groups(&|i| self.card(i)) {
                ctx.insert_value("item_groups", Value::Array(groups));
            }
            ctx.insert_value("items", self.card_list(shown));
        };
        self.page_filled(sink, "list.html", &page_path, ctx, key, fill)
    }

    /// The heading of a place's listing: "Mô hình tại Bình Minh, Vĩnh Long".
    fn place_heading(&self, place: PlaceRef) -> String {
        let (s, t) = (self.site, &self.theme.i18n);
        match place {
            PlaceRef::Province(p) => {
                format!("{} {}", t.get("listing.province"), s.provinces[p].name)
            }
            PlaceRef::District(d) => {
                let di = &s.districts[d];
                let pr = &s.provinces[di.province];
                format!("{} {}, {}", t.get("listing.district"), di.name, pr.name)
            }
        }
    }

    /// Page `page` of a place path editors' spellings made before issue 23
    /// (`site.old_places[place]`): a small page leading to the listing of its models now.
    /// Not a page of the sitemap (`None`): the page it leads to is.
    pub(super) fn moved_page(&self, sink: &dyn Sink, place: usize, page: usize) -> Option<String> {
        let (s, t) = (self.site, &self.theme.i18n);
        let old = &s.old_places[place];
        let path = routes::listing_page(&old.from, page);
        let to = crate::site::moved::place_path(&s.provinces, &s.districts, old.to);
        let label = self.place_heading(old.to);
        let title = t.get("places.moved_title");
        let mut ctx = self.context(&path, &title, &label);
        ctx.insert("canonical_url", &self.urls.absolute(&to));
        ctx.insert(
            "moved",
            &json!({"url": self.urls.url(&to), "label": label, "text": t.get("places.moved")}),
        );
        self.page(sink, "moved.html", &path, ctx).and(None)
    }

    /// The year's report as a Word file beside its page ([`report`], [`docx`]).
    pub(super) fn write_report_docx(
        &self,
        sink: &dyn Sink,
        year: i32,
        path: &str,
        st: &views::StatsView,
    ) {
        let s = self.site;
        let models = &s.by_year[&year];
        let content = report::Content {
            year,
            stats: st,
            exemplary: models
                .iter()
                .filter(|&&i| s.models[i].exemplary)
                .map(|&i| &self.kept_card(i).card)
                .collect(),
            replicated: models
                .iter()
                .filter_map(|&i| {
                    Some((
                        &self.kept_card(i).card,
                        s.models[s.replicated_from[i]?].title.clone(),
                    ))
                })
                .collect(),
            groups: s
                .config
                .fields
                .iter()
                .enumerate()
                .map(|(f, field)| {
                    let items = models.iter().filter(|&&i| s.models[i].field == f);
                    (
                        field.label.clone(),
                        items.map(|&i| &self.kept_card(i).card).collect::<Vec<_>>(),
                    )
                })
                .filter(|(_, items)| !items.is_empty())
                .collect(),
        };
        let doc = report::document(&s.config.agency, &self.theme.i18n, &content);
        let rel = format!("{path}{}", report::docx_name(year));
        match docx::write(&doc) {
            Ok(bytes) => self.write(sink, &rel, &bytes),
            Err(e) => self.diag(Diagnostic::error(
                Path::new(&rel),
                0,
                0,
                crate::msg!("publish.docx_failed", error = e),
            )),
        }
    }

    pub(super) fn report(&self, sink: &dyn Sink, year: i32) -> Option<String> {
        let s = self.site;
        let t = &self.theme.i18n;
        let models = &s.by_year[&year];
        let path = routes::year_report(year);
        let st = stats::compute(s, models);
        let title = t.fill("report.title", &[("year", &year.to_string())]);
        let mut ctx = self.context(&path, &title, &title);
        ctx.insert("year", &year);
        let stats_view = views::stats(s, &self.urls, t, &st);
        ctx.insert("stats", &stats_view);
        ctx.insert("doc", &report::head(&s.config.agency, t, year));
        self.write_report_docx(sink, year, &path, &stats_view);
        // The same charts as the year's listing, whose CSVs they link to.
        ctx.insert(
            "charts",
            &charts::build(
                s,
                &self.urls,
                t,
                &st,
                charts::Scope::Year(year),
                &routes::year(year),
            ),
        );
        ctx.insert("breadcrumbs", &vec![json!({"label": t.fill("common.year_n", &[("year", &year.to_string())]), "url": self.urls.year(year)})]);
        // The cards go in only when the page is rendered: the key takes the keys of the
        // year's cards (which tell exemplary models and fields apart) and the sources of the
        // replicated ones.
        let key = |h: &mut xxhash_rust::xxh3::Xxh3| {
            self.feed_cards(h, models);
            for &i in models {
                if let Some(src) = s.replicated_from[i] {
                    memo::feed(h, &(i, &s.models[src].title, &s.slugs[src]));
                }
            }
        };
        let fill = |ctx: &mut Context| self.report_cards(ctx, models);
        self.page_filled(sink, "report.html", &path, ctx, key, fill)
    }

    /// The cards of a year's report, models `models`: the exemplary ones, the replicated
    /// ones with their sources, and all of them by field.
    fn report_cards(&self, ctx: &mut Context, models: &[usize]) {
        let s = self.site;
        let exemplary: Vec<usize> = models
            .iter()
            .copied()
            .filter(|&i| s.models[i].exemplary)
            .collect();
        ctx.insert_value("exemplary", self.card_list(&exemplary));
        let replicated: Vec<Value> = models
            .iter()
            .filter_map(|&i| {
                let src = s.replicated_from[i]?;
                let mut card = self.card(i);
                card["source"] = json!({"title": s.models[src].title, "url": self.urls.url(&routes::model(&s.slugs[src]))});
                Some(card)
            })
            .collect();
        ctx.insert("replicated", &replicated);
        let groups: Vec<Value> = s
            .config
            .fields
            .iter()
            .enumerate()
            .map(|(f, field)| {
                let items: Vec<usize> = models
                    .iter()
                    .copied()
                    .filter(|&i| s.models[i].field == f)
                    .collect();
                json!({"label": field.label, "items": self.card_list(&items)})
            })
            .filter(|g| g["items"].as_array().is_some_and(|a| !a.is_empty()))
            .collect();
        ctx.insert("models", &groups);
    }
}

/// A plain page's description: its `summary`, else the start of its first paragraph.
fn page_description(sp: &crate::site::SitePage, r: &markdown::Rendered) -> String {
    sp.page
        .summary
        .clone()
        .unwrap_or_else(|| crate::site::shorten(&r.lead, 200))
}
