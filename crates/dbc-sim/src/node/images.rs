//! Images (§7.3): list, download and upload transfers with progress, delete.

use super::{add_str, image_size, Caller, Lv, NodeReply, NodeResult, NodeWorld};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub(super) struct Transfer {
    started: Instant,
    dur: Duration,
}

impl Transfer {
    fn progress(&self, now: Instant) -> Option<u32> {
        let el = now.saturating_duration_since(self.started);
        if el >= self.dur {
            None
        } else {
            Some(((el.as_millis() * 100) / self.dur.as_millis().max(1)).min(99) as u32)
        }
    }
}

impl NodeWorld {
    pub(super) fn images_list(
        &self,
        server: Option<&[String]>,
        caller: Option<&Caller>,
        colon_key: bool,
    ) -> String {
        let excluded: HashSet<&str> = match caller {
            Some(c) => self
                .tasks
                .iter()
                .filter(|t| t.owner == c.identity && t.lv == Lv::ShutOff)
                .map(|t| t.image.as_str())
                .collect(),
            None => HashSet::new(),
        };
        let in_use: HashSet<&str> = self
            .tasks
            .iter()
            .filter(|t| t.lv == Lv::Running)
            .map(|t| t.image.as_str())
            .collect();
        // DEFECT (spec §7.3, §12): the GPU-node image list uses the key "image_name:".
        let key = if colon_key {
            "image_name:"
        } else {
            "image_name"
        };
        let mut s = String::from("[");
        let mut first = true;
        // Base images, then overlays the given image server also has (§7.3).
        for im in self
            .images
            .iter()
            .chain(self.overlays_on(server))
            .filter(|n| {
                !n.contains("data")
                    && !excluded.contains(n.as_str())
                    && (!colon_key || !in_use.contains(n.as_str()))
            })
        {
            if !first {
                s.push(',');
            }
            first = false;
            let _ = write!(
                s,
                "{{\"{key}\":\"{im}\",\"image_size\":\"{}\"}}",
                image_size(im)
            );
        }
        s.push(']');
        s
    }

    pub(super) fn image_download(
        &mut self,
        add: &Value,
        server_images: &[String],
        now: Instant,
    ) -> NodeResult {
        let Some(f) = add_str(add, "image_filename") else {
            return Err(NodeReply::fail(1, "additional no image_filename"));
        };
        if add_str(add, "local_dir").is_none() {
            return Err(NodeReply::fail(1, "additional no local_dir"));
        }
        if !server_images.contains(&f) {
            return Err(NodeReply::fail(1, &format!("image:{f} not exist")));
        }
        if self
            .downloads
            .get(&f)
            .is_some_and(|t| t.progress(now).is_some())
        {
            return Err(NodeReply::fail(1, &format!("image:{f} in downloading")));
        }
        self.downloads.insert(
            f,
            Transfer {
                started: now,
                dur: self.delays.create * 2,
            },
        );
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn settle_transfers(&mut self, now: Instant) {
        let done: Vec<String> = self
            .downloads
            .iter()
            .filter(|(_, t)| t.progress(now).is_none())
            .map(|(k, _)| k.clone())
            .collect();
        for f in done {
            self.downloads.remove(&f);
            if !self.images.contains(&f) {
                self.images.push(f);
            }
        }
        self.uploads.retain(|_, t| t.progress(now).is_some());
    }

    pub(super) fn transfer_progress(
        &mut self,
        add: &Value,
        download: bool,
        now: Instant,
    ) -> NodeResult {
        self.settle_transfers(now);
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(NodeReply::fail(1, "image_filename is empty"));
        };
        let map = if download {
            &self.downloads
        } else {
            &self.uploads
        };
        let word = if download { "downloading" } else { "uploading" };
        Ok(match map.get(&f).and_then(|t| t.progress(now)) {
            Some(p) => {
                NodeReply::ok_json(&format!("{{\"status\":\"{word}\",\"progress\":\"{p}%\"}}"))
            }
            None => NodeReply::ok_json("{\"status\":\"done\",\"progress\":\"100%\"}"),
        })
    }

    pub(super) fn transfer_stop(&mut self, add: &Value, download: bool) -> NodeResult {
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(NodeReply::fail(1, "image_filename is empty"));
        };
        if download {
            self.downloads.remove(&f);
        } else {
            self.uploads.remove(&f);
        }
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn image_upload(&mut self, add: &Value, now: Instant) -> NodeResult {
        self.settle_transfers(now);
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(NodeReply::fail(1, "image_filename is empty"));
        };
        let name = f.trim_start_matches("/data/").to_string();
        if !self.images.contains(&name) {
            return Err(NodeReply::fail(1, &format!("image:{f} not exist")));
        }
        if self.uploads.contains_key(&name) {
            return Err(NodeReply::fail(1, &format!("image:{f} in uploading")));
        }
        self.uploads.insert(
            name,
            Transfer {
                started: now,
                dur: self.delays.create * 2,
            },
        );
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn image_delete(&mut self, add: &Value) -> NodeResult {
        let Some(f) = add_str(add, "image_filename").filter(|f| !f.is_empty()) else {
            return Err(NodeReply::fail(1, "image_filename is empty"));
        };
        if !self.images.contains(&f) {
            return Err(NodeReply::fail(1, &format!("image file:{f} is not exist")));
        }
        if self.downloads.contains_key(&f) || self.uploads.contains_key(&f) {
            return Err(NodeReply::fail(
                1,
                "image file is in downloading or uploading, please try again later",
            ));
        }
        self.images.retain(|x| x != &f);
        Ok(NodeReply::ok("ok"))
    }
}
