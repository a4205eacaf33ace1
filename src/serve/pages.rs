//! Page images for `piao serve`: every laid-out page is kept under a hash of its
//! content and turned into a PNG (with Typst's own renderer) only when a browser asks
//! for it.
//!
//! The hash is the page's address (`/pagina/<hash>.png`): after an edit, the pages that
//! did not change keep their address, so the browser keeps their images and fetches
//! only the new ones; a page below the visible area is never rendered at all.
//!
//! Requests for an image being rendered wait for that render rather than starting
//! their own (sixty tabs asking for one page render it once), and at most
//! [`RENDER_SLOTS`] pages are rendered at once, so memory stays bounded whatever the
//! number of requests.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use serde::Serialize;
use typst_layout::Page;

/// The resolutions a page image is made at, in pixels per typographic point (a point
/// is 1/72 inch: 2 gives 144 dpi, sharp at 100% zoom on a normal screen).
pub const SCALES: std::ops::RangeInclusive<u8> = 1..=4;

/// PNG bytes kept at most, over all pages (the least recently used go first).
const PNG_BUDGET: usize = 384 * 1024 * 1024;

/// Pages rendered at the same time, at most.
pub const RENDER_SLOTS: usize = 2;

/// Page images rendered since the process started (for tests and measurements: how
/// many renders a burst of requests cost).
static RENDERS: AtomicU64 = AtomicU64::new(0);

/// How many page images this process has rendered.
pub fn renders() -> u64 {
    RENDERS.load(Ordering::SeqCst)
}

/// An image being rendered, shared by every request that wants it.
type Pending = Arc<OnceLock<Option<Arc<Vec<u8>>>>>;

/// What the browser needs to place a page before its image arrives.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PageInfo {
    /// The page's address: a hash of its content, in hex.
    pub id: String,
    /// Width and height in typographic points.
    pub larghezza: f64,
    pub altezza: f64,
}

struct Stored {
    page: Page,
    pngs: HashMap<u8, Arc<Vec<u8>>>,
    /// When its image was last asked for, on the store's [`Inner::clock`]: past the
    /// budget, the images of the page asked for longest ago go first.
    used: u64,
}

/// Every page currently shown by some view, with the images made of it.
pub struct PageStore {
    inner: Mutex<Inner>,
    /// Renders running now.
    rendering: Permits,
    /// PNG bytes kept at most ([`PNG_BUDGET`]; less in tests).
    budget: usize,
}

impl Default for PageStore {
    fn default() -> Self {
        PageStore {
            inner: Mutex::default(),
            rendering: Permits::new(RENDER_SLOTS),
            budget: PNG_BUDGET,
        }
    }
}

/// At most a number of holders at once (a counting semaphore): bounds the work that
/// holds much memory (page renders here, layouts in the workspace).
pub struct Permits {
    busy: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

/// One of the [`Permits`], given back when dropped.
pub struct Permit<'a>(&'a Permits);

impl Permits {
    pub const fn new(max: usize) -> Permits {
        Permits {
            busy: Mutex::new(0),
            freed: Condvar::new(),
            max,
        }
    }

    /// Waits until fewer than the maximum are held, and holds one.
    pub fn take(&self) -> Permit<'_> {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= self.max {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy += 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.busy.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        self.0.freed.notify_one();
    }
}

#[derive(Default)]
struct Inner {
    pages: HashMap<String, Stored>,
    /// Counts the requests for images: the time of the least-recently-used order of
    /// [`Inner::trim`] (each request stamps its page's [`Stored::used`]).
    clock: u64,
    png_bytes: usize,
    /// Images being rendered, by page and scale.
    pending: HashMap<(String, u8), Pending>,
}

impl PageStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `pages` and returns their addresses and sizes, in order.
    pub fn insert(&self, pages: &[Page]) -> Vec<PageInfo> {
        let mut inner = self.lock();
        pages
            .iter()
            .map(|page| {
                let id = format!("{:032x}", typst::utils::hash128(page));
                let size = page.frame.size();
                inner.pages.entry(id.clone()).or_insert_with(|| Stored {
                    page: page.clone(),
                    pngs: HashMap::new(),
                    used: 0,
                });
                PageInfo {
                    id,
                    larghezza: size.x.to_pt(),
                    altezza: size.y.to_pt(),
                }
            })
            .collect()
    }

    /// Forgets every page not in `keep` (pages no view shows any more).
    pub fn retain(&self, keep: &HashSet<&str>) {
        let mut inner = self.lock();
        inner.pages.retain(|id, _| keep.contains(id.as_str()));
        inner.png_bytes = inner
            .pages
            .values()
            .flat_map(|s| s.pngs.values())
            .map(|p| p.len())
            .sum();
    }

    /// The PNG of page `id` at `scale` pixels per point; `None` for an unknown page.
    /// Rendering happens outside the store's lock; a request for an image already
    /// being rendered waits for it.
    pub fn png(&self, id: &str, scale: u8) -> Option<Arc<Vec<u8>>> {
        let scale = scale.clamp(*SCALES.start(), *SCALES.end());
        let key = (id.to_string(), scale);
        let (page, pending) = {
            let mut inner = self.lock();
            inner.clock += 1;
            let clock = inner.clock;
            let stored = inner.pages.get_mut(id)?;
            stored.used = clock;
            if let Some(png) = stored.pngs.get(&scale) {
                return Some(png.clone());
            }
            let page = stored.page.clone();
            let pending = inner.pending.entry(key.clone()).or_default().clone();
            (page, pending)
        };
        let png = pending
            .get_or_init(|| {
                let _slot = self.rendering.take();
                RENDERS.fetch_add(1, Ordering::SeqCst);
                crate::pipeline::page_png(&page, f64::from(scale))
                    .ok()
                    .map(Arc::new)
            })
            .clone();
        let mut inner = self.lock();
        if inner
            .pending
            .get(&key)
            .is_some_and(|p| Arc::ptr_eq(p, &pending))
        {
            inner.pending.remove(&key);
        }
        let png = png?;
        let len = png.len();
        if let Some(stored) = inner.pages.get_mut(id) {
            if stored.pngs.insert(scale, png.clone()).is_none() {
                inner.png_bytes += len;
            }
        }
        inner.trim(self.budget);
        Some(png)
    }
}

impl Inner {
    /// Drops the images of the least recently used pages until within `budget` bytes.
    fn trim(&mut self, budget: usize) {
        while self.png_bytes > budget {
            let Some(oldest) = self
                .pages
                .iter()
                .filter(|(_, s)| !s.pngs.is_empty())
                .min_by_key(|(_, s)| s.used)
                .map(|(id, _)| id.clone())
            else {
                return;
            };
            if let Some(s) = self.pages.get_mut(&oldest) {
                let freed: usize = s.pngs.values().map(|p| p.len()).sum();
                s.pngs.clear();
                self.png_bytes -= freed;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::foundations::{Content, Smart};
    use typst::layout::{Abs, Frame, Sides, Size};

    /// A blank page `width` points wide (pages of other widths hash differently).
    fn blank(width: f64) -> Page {
        Page {
            frame: Frame::soft(Size::new(Abs::pt(width), Abs::pt(20.0))),
            bleed: Sides::splat(Abs::zero()),
            fill: Smart::Auto,
            numbering: None,
            supplement: Content::empty(),
            number: 1,
        }
    }

    impl PageStore {
        fn has_image(&self, id: &str) -> bool {
            self.lock()
                .pages
                .get(id)
                .is_some_and(|s| !s.pngs.is_empty())
        }
    }

    #[test]
    fn past_the_budget_the_image_asked_for_longest_ago_goes() {
        let pages = [blank(10.0), blank(11.0), blank(12.0)];
        let size = |i: usize| crate::pipeline::page_png(&pages[i], 1.0).unwrap().len();
        let store = PageStore {
            budget: size(0) + size(1) + size(2) - 1,
            ..PageStore::default()
        };
        let ids: Vec<String> = store.insert(&pages).into_iter().map(|p| p.id).collect();
        let [a, b, c] = [&ids[0], &ids[1], &ids[2]];
        store.png(a, 1).unwrap();
        store.png(b, 1).unwrap();
        // `a` asked for again: `b` is now the one asked for longest ago.
        store.png(a, 1).unwrap();
        assert!(store.has_image(a) && store.has_image(b));
        store.png(c, 1).unwrap();
        assert!(store.has_image(a), "asked for lately: kept");
        assert!(!store.has_image(b), "asked for longest ago: dropped");
        assert!(store.has_image(c), "just made: kept");
        assert!(store.lock().png_bytes <= store.budget);
        // The page itself stays: its image is made again when asked for.
        assert!(store.png(b, 1).is_some());
    }
}
