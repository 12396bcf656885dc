//! Overlay images in a node's `/data` (spec §7.3, §7.2.3): which ones a list shows and
//! whether their backing chain is complete.

use super::NodeWorld;

impl NodeWorld {
    /// Whether `/data/<name>` exists (a base image or an overlay).
    pub(super) fn image_exists(&self, name: &str) -> bool {
        self.images.iter().any(|i| i == name) || self.cfg.overlays.iter().any(|o| o.name == name)
    }

    /// Overlays that the image server (its image list) also has; none without a server.
    pub(super) fn overlays_on<'a>(
        &'a self,
        server: Option<&'a [String]>,
    ) -> impl Iterator<Item = &'a String> + 'a {
        self.cfg
            .overlays
            .iter()
            .filter(move |o| server.is_some_and(|s| s.contains(&o.name)))
            .map(|o| &o.name)
    }

    /// The backing files of `name`'s chain that are missing from `/data`, as `/data/<file>`.
    pub(super) fn missing_backing_files(&self, name: &str) -> Vec<String> {
        let mut missing = Vec::new();
        let mut cur = name;
        // Bounded by the number of overlays: a cycle cannot loop forever.
        for _ in 0..=self.cfg.overlays.len() {
            let Some(o) = self.cfg.overlays.iter().find(|o| o.name == cur) else {
                break;
            };
            if !self.image_exists(&o.backing) {
                missing.push(format!("/data/{}", o.backing));
                break;
            }
            cur = &o.backing;
        }
        missing
    }
}
