//! The accessibility statement and the privacy notice linked from every footer.

use askama::Template;
use axum::response::Response;

use crate::error::PageError;
use crate::page::PageContext;
use crate::page::render;

#[derive(Template)]
#[template(path = "info.html")]
struct InfoPage {
    ctx: PageContext,
    title: &'static str,
    text: &'static str,
}

fn info(ctx: PageContext, title: &str, text: &str) -> Result<Response, PageError> {
    let page = InfoPage { title: ctx.t(title), text: ctx.t(text), ctx };
    render(&page.ctx, &page)
}

pub async fn accessibility(ctx: PageContext) -> Result<Response, PageError> {
    info(ctx, "info.accessibility.title", "info.accessibility.text")
}

pub async fn privacy(ctx: PageContext) -> Result<Response, PageError> {
    info(ctx, "info.privacy.title", "info.privacy.text")
}
