//! The letterhead logo through the workspace (issue 16): an Ambito's administrator
//! uploads a PNG or an SVG, recognised by its content; anything else is refused
//! beside the field, in Italian, and an oversized file with 413; the logo then
//! heads the Ambito's PDFs, and only that Ambito's.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, app};
use concerto_domain::Role;

const PNG: &[u8] = include_bytes!("../../documents/tests/fixtures/logo.png");
const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="60" height="30" fill="#003366"/></svg>"##;
const HOSTILE_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30" onload="alert(1)"><script>alert(1)</script><image href="https://attacker.invalid/x.png" width="9" height="9"/></svg>"##;

async fn post_logo(t: &TestApp, slug: &str, bytes: &[u8], cookie: &str) -> (StatusCode, String) {
    let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let request = Request::post(format!("/ufficio/ambiti/{slug}/logo"))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    let reply = t.send(request).await;
    (reply.status, reply.body)
}

async fn pdf(t: &TestApp, uri: &str) -> Vec<u8> {
    let response =
        tower::ServiceExt::oneshot(t.router.clone(), Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()
}

fn has_image(pdf: &[u8]) -> bool {
    pdf.windows(15).any(|w| w == b"/Subtype /Image") || pdf.windows(14).any(|w| w == b"/Subtype/Image")
}

#[tokio::test]
async fn the_logo_is_checked_by_content_and_heads_the_ambitos_pdfs() {
    let t = app().await;
    let password = t.account("admin@esempio.invalid", Role::AmbitoAdmin, Some("esempio")).await;
    let cookie = t.login("admin@esempio.invalid", &password).await.unwrap();

    // Refused by content, whatever the name says: a GIF, text, nothing at all.
    for (bytes, message) in [
        (&b"GIF89a\x01\x00\x01\x00"[..], "il file non è un"),
        (&b"<html><script>alert(1)</script></html>"[..], "il file non è un"),
        (&b""[..], "scegliere un file PNG o SVG"),
    ] {
        let (status, body) = post_logo(&t, "esempio", bytes, &cookie).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(message) && body.contains("id=\"e-logo\""), "{body}");
        assert!(body.contains("aria-invalid=\"true\""));
    }
    // Over the limit: 413 with the field's error, not a bare refusal.
    let mut big = PNG.to_vec();
    big.resize(concerto_documents::MAX_LOGO_BYTES + 1, 0);
    let (status, body) = post_logo(&t, "esempio", &big, &cookie).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("512 KB") && body.contains("id=\"e-logo\""), "{body}");
    // A hostile SVG is refused with a field error: no 500, nothing stored.
    let (status, body) = post_logo(&t, "esempio", HOSTILE_SVG.as_bytes(), &cookie).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let esempio = t.store.ambito_id("esempio").await.unwrap().unwrap();
    assert!(t.store.ambito_logo(esempio).await.unwrap().is_none());
    // Another Ambito's logo is not this administrator's to change.
    let (status, _) = post_logo(&t, "casarano", PNG, &cookie).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let casarano = t.store.ambito_id("casarano").await.unwrap().unwrap();
    assert!(t.store.ambito_logo(casarano).await.unwrap().is_none());

    // Without a logo, no image in the notice; with one, there is.
    let notice = "/processi/esempio-2026-2028/avviso.pdf";
    assert!(!has_image(&pdf(&t, notice).await));
    let (status, _) = post_logo(&t, "esempio", PNG, &cookie).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(has_image(&pdf(&t, notice).await), "the notice carries the logo");
    assert!(!has_image(&pdf(&t, "/processi/casarano-2022-2024/avviso.pdf").await), "another Ambito's notice does not");
    let page = t.get_with("/ufficio/ambiti/esempio/logo", "cookie", &cookie).await;
    assert!(page.body.contains("PNG, 1 KB"), "{}", page.body);

    // An SVG replaces it: drawn as vectors, no raster image left.
    let (status, _) = post_logo(&t, "esempio", SVG.as_bytes(), &cookie).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(t.store.ambito_logo(esempio).await.unwrap().unwrap().content_type, "image/svg+xml");
    assert!(!has_image(&pdf(&t, notice).await));
    let entries = t
        .store
        .search_audit(&concerto_store::AuditFilter { action: Some("ambito.logo"), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(entries.len(), 2, "each upload audited");
}
