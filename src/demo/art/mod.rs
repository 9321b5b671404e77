//! The demo's illustrations: a flat-style picture of what a need asks for, a product is, or a
//! receipt shows arrived — desks and books for 教育, a first-aid kit for 医疗, a house for 住房 …
//! Each subject is a readable SVG file beside this one; [`scene`] sets it in a landscape (a sky,
//! hills, trees, grass; a village's houses behind a receipt's) whose palette and layout a seed
//! varies, so that two needs of one category still differ. [`render`] draws it to a PNG, which
//! the demo then uploads through the same re-encoding as any photo (`media::reencode`): what is
//! stored is a JPEG without metadata, like every other.
//!
//! No text in the pictures, so no fonts are needed to draw them.

use anyhow::Context as _;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Where the subject stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Open country: a need's or a product's picture.
    Field,
    /// Among a village's houses: what a receipt shows arrived.
    Village,
}

const EDUCATION: &str = include_str!("education.svg");
const MEDICAL: &str = include_str!("medical.svg");
const INDUSTRY: &str = include_str!("industry.svg");
const EMPLOYMENT: &str = include_str!("employment.svg");
const HOUSING: &str = include_str!("housing.svg");
const INFRASTRUCTURE: &str = include_str!("infrastructure.svg");
const DAILY_GOODS: &str = include_str!("daily_goods.svg");
const HONEY: &str = include_str!("honey.svg");
const FRUIT: &str = include_str!("fruit.svg");
const TEA: &str = include_str!("tea.svg");
const HANDICRAFT: &str = include_str!("handicraft.svg");
const MEAT_EGGS: &str = include_str!("meat_eggs.svg");
const VEGETABLES: &str = include_str!("vegetables.svg");

/// The subject drawn for a need's or a product's category; `None` for a category without one.
/// 消费 (a need to buy a village's produce) shows one of the produce pictures, by the seed.
pub fn subject(category: &str, seed: u64) -> Option<&'static str> {
    Some(match category {
        "education" => EDUCATION,
        "medical" => MEDICAL,
        "industry" => INDUSTRY,
        "employment" => EMPLOYMENT,
        "housing" => HOUSING,
        "infrastructure" => INFRASTRUCTURE,
        "daily_goods" => DAILY_GOODS,
        "consumption" => [HONEY, TEA, FRUIT][(seed % 3) as usize],
        "honey" => HONEY,
        "fruit" => FRUIT,
        "tea" => TEA,
        "handicraft" => HANDICRAFT,
        "meat_eggs" => MEAT_EGGS,
        "vegetables" => VEGETABLES,
        _ => return None,
    })
}

/// A seed from a text (a need's title, a product's name): the same text, the same picture.
pub fn seed_of(text: &str) -> u64 {
    let digest = Sha256::digest(text.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("a SHA-256 has 8 bytes"))
}

/// The scene's own small random source (SplitMix64): the pictures depend on the seed only,
/// not on a library's choice of generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[low, high)`.
    fn range(&mut self, low: f64, high: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        low + unit * (high - low)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// (top of the sky, horizon, sun) — morning, noon, a hazy day, late afternoon.
const SKIES: &[(&str, &str, &str)] = &[
    ("#7fb9ea", "#e6f3fb", "#fff4c2"),
    ("#4f9fe0", "#cfe8f8", "#fffbe0"),
    ("#9fb8cc", "#eef1ee", "#fdf6dc"),
    ("#f3a86b", "#fde6c6", "#fff1b8"),
];
/// (far hills, near hills, ground's top, ground's foot).
const LANDS: &[(&str, &str, &str, &str)] = &[
    ("#9cc3b0", "#6fae6a", "#8cc86a", "#5f9e45"),
    ("#a9bfcf", "#7aa873", "#a3cf72", "#6d9f43"),
    ("#b4c8a8", "#88b25f", "#b8d27a", "#7ea247"),
    ("#98b5c5", "#5f9c70", "#7fbf72", "#4e8c48"),
];
const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 600.0;
const HORIZON: f64 = 400.0;

/// The picture of `subject` (a file's SVG) in its `setting`, varied by `seed`: an SVG document
/// of 800×600.
pub fn scene(subject: &str, setting: Setting, seed: u64) -> String {
    let mut rng = Rng(seed);
    let (sky_top, sky_low, sun) = *rng.pick(SKIES);
    let (far, near, ground_top, ground_foot) = *rng.pick(LANDS);
    let mut svg = String::with_capacity(8 * 1024 + subject.len());
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 800 600">
<defs>
  <linearGradient id="scene-sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{sky_top}"/><stop offset="1" stop-color="{sky_low}"/></linearGradient>
  <linearGradient id="scene-ground" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{ground_top}"/><stop offset="1" stop-color="{ground_foot}"/></linearGradient>
  <radialGradient id="scene-sun"><stop offset="0.45" stop-color="{sun}"/><stop offset="1" stop-color="{sun}" stop-opacity="0"/></radialGradient>
  <radialGradient id="scene-crown" cx="0.35" cy="0.3" r="0.8"><stop offset="0" stop-color="#8fd16e"/><stop offset="1" stop-color="#3d8a3a"/></radialGradient>
</defs>
<rect width="800" height="600" fill="url(#scene-sky)"/>
"##
    );
    // The sun and its glow.
    let (sun_x, sun_y) = (rng.range(80.0, 720.0), rng.range(60.0, 150.0));
    let _ = writeln!(
        svg,
        r#"<circle cx="{sun_x:.0}" cy="{sun_y:.0}" r="90" fill="url(#scene-sun)"/>"#
    );
    // Clouds.
    for _ in 0..rng.range(2.0, 5.0) as u32 {
        let (x, y, s) = (
            rng.range(0.0, 760.0),
            rng.range(40.0, 220.0),
            rng.range(0.6, 1.3),
        );
        let _ = writeln!(
            svg,
            r##"<g fill="#fff" opacity="0.85" transform="translate({x:.0} {y:.0}) scale({s:.2})"><ellipse cx="0" cy="0" rx="46" ry="18"/><ellipse cx="30" cy="-12" rx="34" ry="22"/><ellipse cx="62" cy="0" rx="40" ry="16"/></g>"##
        );
    }
    // Two ranges of hills, the far one paler.
    hills(&mut svg, &mut rng, far, HORIZON - 130.0, 0.9);
    hills(&mut svg, &mut rng, near, HORIZON - 60.0, 1.0);
    // The ground, gently uneven.
    let (left, right) = (rng.range(-14.0, 14.0), rng.range(-14.0, 14.0));
    let _ = writeln!(
        svg,
        r#"<path d="M0 {:.0} Q400 {:.0} 800 {:.0} L800 600 L0 600 Z" fill="url(#scene-ground)"/>"#,
        HORIZON + left,
        HORIZON - 18.0,
        HORIZON + right
    );
    if setting == Setting::Village {
        // A row of village houses behind: white walls, grey tiled roofs.
        let mut x = rng.range(-40.0, 40.0);
        while x < WIDTH {
            let (w, h) = (rng.range(90.0, 130.0), rng.range(60.0, 90.0));
            let base = HORIZON + rng.range(4.0, 20.0);
            house(&mut svg, x, base, w, h);
            x += w + rng.range(20.0, 110.0);
        }
    }
    // Trees along the horizon, none in front of the subject's middle.
    for _ in 0..rng.range(2.0, 5.0) as u32 {
        let sides = [rng.range(20.0, 180.0), rng.range(620.0, 780.0)];
        let x = *rng.pick(&sides);
        let size = rng.range(0.8, 1.3);
        tree(&mut svg, x, HORIZON + rng.range(10.0, 40.0), size);
    }
    // The subject, at a varied place and size, standing on the ground.
    let scale = rng.range(1.2, 1.42);
    let (w, h) = (400.0 * scale, 300.0 * scale);
    let x = rng.range(20.0, WIDTH - w - 20.0);
    let y = rng.range(HEIGHT - h - 40.0, HEIGHT - h - 10.0);
    svg.push_str(&subject.replacen(
        "<svg ",
        &format!(r#"<svg x="{x:.0}" y="{y:.0}" width="{w:.0}" height="{h:.0}" "#),
        1,
    ));
    // Grass tufts in the foreground.
    for _ in 0..rng.range(5.0, 10.0) as u32 {
        let (gx, gy) = (rng.range(0.0, WIDTH), rng.range(HORIZON + 40.0, HEIGHT));
        let _ = writeln!(
            svg,
            r##"<path d="M{gx:.0} {gy:.0} l-8 -18 l10 12 l2 -20 l6 20 l10 -14 l-6 20 z" fill="#4f8f3a" opacity="0.8"/>"##
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn hills(svg: &mut String, rng: &mut Rng, colour: &str, top: f64, opacity: f64) {
    let mut d = format!("M0 {HORIZON}");
    let mut x = 0.0;
    let mut y = top + rng.range(0.0, 40.0);
    let _ = write!(d, " L0 {y:.0}");
    while x < WIDTH {
        let step = rng.range(140.0, 260.0);
        let peak = top + rng.range(-40.0, 30.0);
        let next = top + rng.range(0.0, 50.0);
        let _ = write!(
            d,
            " Q{:.0} {:.0} {:.0} {:.0}",
            x + step / 2.0,
            peak - 30.0,
            x + step,
            next
        );
        x += step;
        y = next;
    }
    let _ = write!(d, " L{x:.0} {y:.0} L{x:.0} {HORIZON} Z");
    let _ = writeln!(
        svg,
        r#"<path d="{d}" fill="{colour}" opacity="{opacity}"/>"#
    );
}

fn house(svg: &mut String, x: f64, base: f64, w: f64, h: f64) {
    let top = base - h;
    let _ = writeln!(
        svg,
        r##"<g><rect x="{x:.0}" y="{top:.0}" width="{w:.0}" height="{h:.0}" fill="#f6f0e4"/><path d="M{:.0} {top:.0} L{:.0} {:.0} L{:.0} {top:.0} Z" fill="#66717b"/><rect x="{:.0}" y="{:.0}" width="{:.0}" height="{:.0}" fill="#8e5a3a"/><rect x="{:.0}" y="{:.0}" width="{:.0}" height="{:.0}" fill="#86b5d3"/></g>"##,
        x - 8.0,
        x + w / 2.0,
        top - h * 0.45,
        x + w + 8.0,
        x + w * 0.42,
        base - h * 0.55,
        w * 0.16,
        h * 0.55,
        x + w * 0.12,
        top + h * 0.22,
        w * 0.18,
        h * 0.22,
    );
}

fn tree(svg: &mut String, x: f64, base: f64, size: f64) {
    let _ = writeln!(
        svg,
        r##"<g transform="translate({x:.0} {base:.0}) scale({size:.2})"><ellipse cx="0" cy="0" rx="30" ry="6" fill="#000" opacity="0.15"/><rect x="-6" y="-60" width="12" height="60" fill="#7a5230"/><circle cx="0" cy="-84" r="38" fill="url(#scene-crown)"/><circle cx="-24" cy="-62" r="24" fill="url(#scene-crown)"/><circle cx="24" cy="-64" r="26" fill="url(#scene-crown)"/></g>"##
    );
}

/// Draws an SVG document to a PNG of `width`×`height` (the picture scaled to fill it).
pub fn render(svg: &str, width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())
        .context("a demo illustration is not valid SVG")?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).context("an empty picture")?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    // The scene is opaque, so its premultiplied pixels are plain RGBA.
    let pixels = image::RgbaImage::from_raw(width, height, pixmap.take())
        .context("a pixmap holds width×height pixels")?;
    // Fast compression: the PNG is read once, by the re-encoding, and then dropped.
    let mut png = Vec::new();
    let encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Sub);
    pixels
        .write_with_encoder(encoder)
        .context("encoding a demo illustration")?;
    Ok(png)
}

/// The PNG of `category`'s subject in `setting`, varied by `seed`.
pub fn picture(
    category: &str,
    setting: Setting,
    seed: u64,
    width: u32,
    height: u32,
) -> anyhow::Result<Vec<u8>> {
    let subject =
        subject(category, seed).with_context(|| format!("no illustration for {category}"))?;
    render(&scene(subject, setting, seed), width, height)
}

#[cfg(test)]
mod tests {
    use image::{GenericImageView, ImageFormat};

    use super::*;
    use crate::media;

    const NEED_CATEGORIES: &[&str] = &[
        "education",
        "medical",
        "industry",
        "employment",
        "housing",
        "infrastructure",
        "daily_goods",
        "consumption",
    ];
    const PRODUCT_CATEGORIES: &[&str] = &[
        "honey",
        "fruit",
        "tea",
        "handicraft",
        "meat_eggs",
        "vegetables",
    ];

    /// Rendered at a small size (the tests' time), re-encoded as an upload is.
    fn photo(category: &str, setting: Setting, seed: u64) -> media::Photo {
        let png = picture(category, setting, seed, 200, 150).unwrap();
        media::reencode(&png, 10 * 1024 * 1024).unwrap()
    }

    /// The pixels, averaged over 8×6 cells: a coarse fingerprint of what the picture shows.
    fn cells(jpeg: &[u8]) -> Vec<[f64; 3]> {
        let picture = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).unwrap();
        let (w, h) = picture.dimensions();
        let mut sums = vec![[0.0; 3]; 48];
        for (x, y, pixel) in picture.pixels() {
            let cell = (y * 6 / h * 8 + x * 8 / w) as usize;
            for c in 0..3 {
                sums[cell][c] += f64::from(pixel[c]);
            }
        }
        let per_cell = f64::from(w * h) / 48.0;
        sums.iter()
            .map(|s| [s[0] / per_cell, s[1] / per_cell, s[2] / per_cell])
            .collect()
    }

    /// Mean absolute difference per channel between two fingerprints (0 to 255).
    fn distance(a: &[[f64; 3]], b: &[[f64; 3]]) -> f64 {
        let total: f64 = a
            .iter()
            .zip(b)
            .map(|(p, q)| (0..3).map(|c| (p[c] - q[c]).abs()).sum::<f64>())
            .sum();
        total / (a.len() * 3) as f64
    }

    #[test]
    fn every_demo_category_has_a_subject_and_every_subject_is_valid_svg() {
        for category in NEED_CATEGORIES.iter().chain(PRODUCT_CATEGORIES) {
            let subject = subject(category, 0).unwrap_or_else(|| panic!("{category}"));
            usvg::Tree::from_str(subject, &usvg::Options::default())
                .unwrap_or_else(|e| panic!("{category}: {e}"));
        }
        assert_eq!(subject("no_such_category", 0), None);
    }

    #[test]
    fn a_demo_photo_is_a_jpeg_without_metadata_that_decodes() {
        let original = picture("education", Setting::Field, 7, 200, 150).unwrap();
        assert_eq!(image::guess_format(&original).unwrap(), ImageFormat::Png);
        let stored = photo("education", Setting::Field, 7);
        assert_eq!(&stored.jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(
            image::guess_format(&stored.jpeg).unwrap(),
            ImageFormat::Jpeg
        );
        assert!(!stored.jpeg.windows(4).any(|w| w == b"Exif"), "no EXIF");
        assert!(
            !stored.jpeg.windows(2).any(|w| w == [0xFF, 0xE1]),
            "no APP1 segment"
        );
        let decoded = image::load_from_memory(&stored.jpeg).unwrap();
        assert_eq!(decoded.dimensions(), (200, 150));
    }

    #[test]
    fn the_categories_pictures_differ_and_a_seed_varies_them() {
        let seed = 42;
        let prints: Vec<_> = NEED_CATEGORIES
            .iter()
            .chain(PRODUCT_CATEGORIES)
            .filter(|c| **c != "consumption") // one of the produce pictures
            .map(|c| (*c, cells(&photo(c, Setting::Field, seed).jpeg)))
            .collect();
        for (i, (a, pa)) in prints.iter().enumerate() {
            for (b, pb) in &prints[i + 1..] {
                let d = distance(pa, pb);
                assert!(d > 2.0, "{a} and {b} look alike: {d:.2}");
            }
        }
        // One category, two needs: the scene differs; one seed: the same picture again.
        let one = photo("medical", Setting::Field, seed_of("卫生站急救箱"));
        let two = photo("medical", Setting::Field, seed_of("村医药品补充"));
        assert!(distance(&cells(&one.jpeg), &cells(&two.jpeg)) > 2.0);
        let again = photo("medical", Setting::Field, seed_of("卫生站急救箱"));
        assert_eq!(one.sha256, again.sha256);
    }

    #[test]
    fn a_receipt_is_set_in_the_village() {
        let seed = 5;
        let field = scene(EDUCATION, Setting::Field, seed);
        let village = scene(EDUCATION, Setting::Village, seed);
        // The houses' tiled roofs are in the village only.
        assert!(!field.contains("#66717b"));
        assert!(village.contains("#66717b"));
        let field = cells(&photo("education", Setting::Field, seed).jpeg);
        let village = cells(&photo("education", Setting::Village, seed).jpeg);
        assert!(distance(&field, &village) > 1.0);
    }
}
