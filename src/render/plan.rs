//! The `Plan`: every file of the built site with its bytes, in a stable order.
//! `output` writes it; `serve`, `check` and tests read it without any disk.

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path under the output folder, `/`-separated, never absolute, never with `..`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Every file of a built site.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The files, sorted by path once the plan is complete.
    pub files: Vec<OutputFile>,
}

impl Plan {
    /// Sorts by path, keeping the last file for a path written twice (a site's
    /// static file replaces a built-in one of the same name).
    pub fn sort(&mut self) {
        let mut files = std::mem::take(&mut self.files);
        files.reverse();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|later, kept| later.path == kept.path);
        self.files = files;
    }

    /// The file at `path`, if the plan has one.
    pub fn get(&self, path: &str) -> Option<&OutputFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// How many HTML pages the plan holds.
    pub fn page_count(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keeps_the_last_file_of_a_path() {
        let mut plan = Plan::default();
        for (path, bytes) in [("b", "1"), ("a", "1"), ("b", "2")] {
            plan.files.push(OutputFile {
                path: path.into(),
                bytes: bytes.into(),
            });
        }
        plan.sort();
        assert_eq!(plan.files.len(), 2);
        assert_eq!(plan.get("b").unwrap().bytes, b"2");
        assert!(plan.get("c").is_none());
    }
}
