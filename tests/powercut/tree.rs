//! The in-memory file tree of the power-cut layer: each file's current and durable bytes,
//! each directory's current and durable entries, the operation count that picks the cut
//! point, and what a cut reverts. It owns the durability model; it must not know about FUSE
//! (the adapter in `fuse.rs` speaks the kernel protocol) or about huella.
//!
//! The model, strict POSIX:
//! * `fsync`/`fdatasync` of a file makes its bytes (and size) durable, nothing else: not its
//!   name in its directory (ext4 in ordered mode usually persists a new file's entry with the
//!   file's fsync; POSIX does not promise it, so this layer does not).
//! * `fsync` of a directory makes its entries durable: names created, removed or renamed in
//!   it since its last fsync. A rename between two directories is durable at its source and
//!   its target separately.
//! * Everything else (writes, truncation, `fallocate`, creation, unlink, rename, mkdir) is
//!   current only until the fsync that covers it. Permissions and times are kept as current
//!   (never reverted: nothing here depends on them).
//! * A cut keeps exactly the durable state: every file reachable from the root through durable
//!   entries, with its durable bytes. All unsynced writes are dropped, none partly kept (no
//!   torn writes; a disk that keeps some of them is a smaller loss than this one).

use std::collections::{BTreeMap, HashMap};
use std::ffi::{OsStr, OsString};
use std::time::SystemTime;

/// The root directory's inode number (FUSE's).
pub const ROOT: u64 = 1;

/// Why an operation was refused; the FUSE adapter turns it into an errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsError {
    /// No such name or inode (ENOENT).
    NotFound,
    /// The name exists (EEXIST).
    Exists,
    /// A directory was expected (ENOTDIR).
    NotDir,
    /// A file was expected (EISDIR).
    IsDir,
    /// The directory is not empty (ENOTEMPTY).
    NotEmpty,
    /// An argument the layer does not support (EINVAL).
    Invalid,
    /// The power is cut: every operation fails until the test reverts the tree (EIO).
    Cut,
}

/// What an inode is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
}

/// What `stat` answers for an inode.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    /// Inode number.
    pub ino: u64,
    /// File or directory.
    pub kind: Kind,
    /// Bytes (files) or entries (directories).
    pub size: u64,
    /// Permission bits.
    pub perm: u16,
    /// Last change of content.
    pub mtime: SystemTime,
}

#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    perm: u16,
    mtime: SystemTime,
    /// The last name it was linked under (diagnostics only).
    name: OsString,
    data: Vec<u8>,
    durable_data: Vec<u8>,
    entries: BTreeMap<OsString, u64>,
    durable_entries: BTreeMap<OsString, u64>,
}

impl Node {
    fn new(kind: Kind, perm: u16, name: &OsStr) -> Node {
        Node {
            kind,
            perm,
            mtime: SystemTime::now(),
            name: name.to_owned(),
            data: Vec::new(),
            durable_data: Vec::new(),
            entries: BTreeMap::new(),
            durable_entries: BTreeMap::new(),
        }
    }
}

/// Where the cut falls: before the `cut_at`-th counted operation since the last `arm`.
#[derive(Debug, Default, Clone)]
struct Plan {
    cut_at: Option<u64>,
    /// Or before the n-th operation so described (the count left, 1 = the next one).
    named: Option<(String, u64)>,
    ops: u64,
    cut: Option<String>,
}

/// The whole filesystem.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: HashMap<u64, Node>,
    next_ino: u64,
    plan: Plan,
}

impl Default for Tree {
    fn default() -> Self {
        let root = Node::new(Kind::Dir, 0o755, OsStr::new("/"));
        Tree {
            nodes: HashMap::from([(ROOT, root)]),
            next_ino: ROOT + 1,
            plan: Plan::default(),
        }
    }
}

impl Tree {
    /// Starts counting operations from zero; the power is cut just before operation number
    /// `cut_at` (1-based), or never with `None`.
    pub fn arm(&mut self, cut_at: Option<u64>) {
        self.plan = Plan {
            cut_at,
            ..Plan::default()
        };
    }

    /// As [`Tree::arm`], but the power is cut just before the `nth` (1-based) operation
    /// described as `what` (as [`Tree::cut_before`] names it), or never if there are fewer.
    pub fn arm_named(&mut self, what: &str, nth: u64) {
        self.plan = Plan {
            named: Some((what.to_owned(), nth)),
            ..Plan::default()
        };
    }

    /// Operations counted since the last `arm` (the one refused by the cut included).
    pub fn ops(&self) -> u64 {
        self.plan.ops
    }

    /// The operation the power was cut before (`None` while it is on).
    pub fn cut_before(&self) -> Option<&str> {
        self.plan.cut.as_deref()
    }

    /// Counts one mutating operation; cuts the power if this is the chosen one.
    fn step(&mut self, what: impl FnOnce(&Tree) -> String) -> Result<(), FsError> {
        if self.plan.cut.is_some() {
            return Err(FsError::Cut);
        }
        self.plan.ops += 1;
        if self.plan.cut_at == Some(self.plan.ops) {
            let described = what(self);
            self.plan.cut = Some(described);
            return Err(FsError::Cut);
        }
        if self.plan.named.is_some() {
            let described = what(self);
            if let Some((name, left)) = self.plan.named.as_mut()
                && *name == described
            {
                *left = left.saturating_sub(1);
                if *left == 0 {
                    self.plan.cut = Some(described);
                    return Err(FsError::Cut);
                }
            }
        }
        Ok(())
    }

    fn live(&self) -> Result<(), FsError> {
        if self.plan.cut.is_some() {
            Err(FsError::Cut)
        } else {
            Ok(())
        }
    }

    fn node(&self, ino: u64) -> Result<&Node, FsError> {
        self.nodes.get(&ino).ok_or(FsError::NotFound)
    }

    fn node_mut(&mut self, ino: u64) -> Result<&mut Node, FsError> {
        self.nodes.get_mut(&ino).ok_or(FsError::NotFound)
    }

    fn dir(&self, ino: u64) -> Result<&Node, FsError> {
        let n = self.node(ino)?;
        if n.kind == Kind::Dir {
            Ok(n)
        } else {
            Err(FsError::NotDir)
        }
    }

    fn name_of(&self, ino: u64) -> String {
        self.nodes.get(&ino).map_or_else(
            || format!("#{ino}"),
            |n| n.name.to_string_lossy().into_owned(),
        )
    }

    /// The attributes of `ino`.
    pub fn attr(&self, ino: u64) -> Result<Attr, FsError> {
        self.live()?;
        let n = self.node(ino)?;
        let size = match n.kind {
            Kind::File => n.data.len() as u64,
            Kind::Dir => n.entries.len() as u64,
        };
        Ok(Attr {
            ino,
            kind: n.kind,
            size,
            perm: n.perm,
            mtime: n.mtime,
        })
    }

    /// The inode named `name` in `parent`.
    pub fn lookup(&self, parent: u64, name: &OsStr) -> Result<Attr, FsError> {
        self.live()?;
        let ino = *self
            .dir(parent)?
            .entries
            .get(name)
            .ok_or(FsError::NotFound)?;
        self.attr(ino)
    }

    /// Creates `name` in `parent` (a counted operation).
    pub fn create(
        &mut self,
        parent: u64,
        name: &OsStr,
        kind: Kind,
        perm: u16,
    ) -> Result<Attr, FsError> {
        self.live()?;
        if self.dir(parent)?.entries.contains_key(name) {
            return Err(FsError::Exists);
        }
        self.step(|t| format!("create {}/{}", t.name_of(parent), name.to_string_lossy()))?;
        let ino = self.next_ino;
        self.next_ino += 1;
        self.nodes.insert(ino, Node::new(kind, perm, name));
        let p = self.node_mut(parent)?;
        p.entries.insert(name.to_owned(), ino);
        p.mtime = SystemTime::now();
        self.attr(ino)
    }

    /// Removes `name` from `parent`: a file with `want == File`, an empty directory with
    /// `want == Dir` (a counted operation). The inode lives on until a cut (open handles).
    pub fn remove(&mut self, parent: u64, name: &OsStr, want: Kind) -> Result<(), FsError> {
        self.live()?;
        let ino = *self
            .dir(parent)?
            .entries
            .get(name)
            .ok_or(FsError::NotFound)?;
        let n = self.node(ino)?;
        match (want, n.kind) {
            (Kind::File, Kind::Dir) => return Err(FsError::IsDir),
            (Kind::Dir, Kind::File) => return Err(FsError::NotDir),
            (Kind::Dir, Kind::Dir) if !n.entries.is_empty() => return Err(FsError::NotEmpty),
            _ => {}
        }
        self.step(|t| format!("unlink {}/{}", t.name_of(parent), name.to_string_lossy()))?;
        let p = self.node_mut(parent)?;
        p.entries.remove(name);
        p.mtime = SystemTime::now();
        Ok(())
    }

    /// Renames `parent/name` to `new_parent/new_name`, replacing a file or an empty directory
    /// there unless `no_replace` (a counted operation).
    pub fn rename(
        &mut self,
        parent: u64,
        name: &OsStr,
        new_parent: u64,
        new_name: &OsStr,
        no_replace: bool,
    ) -> Result<(), FsError> {
        self.live()?;
        let ino = *self
            .dir(parent)?
            .entries
            .get(name)
            .ok_or(FsError::NotFound)?;
        let kind = self.node(ino)?.kind;
        if let Some(&old) = self.dir(new_parent)?.entries.get(new_name) {
            if no_replace {
                return Err(FsError::Exists);
            }
            let o = self.node(old)?;
            match (kind, o.kind) {
                (Kind::File, Kind::Dir) => return Err(FsError::IsDir),
                (Kind::Dir, Kind::File) => return Err(FsError::NotDir),
                (Kind::Dir, Kind::Dir) if !o.entries.is_empty() => {
                    return Err(FsError::NotEmpty);
                }
                _ => {}
            }
        }
        self.step(|t| {
            format!(
                "rename {}/{} -> {}/{}",
                t.name_of(parent),
                name.to_string_lossy(),
                t.name_of(new_parent),
                new_name.to_string_lossy()
            )
        })?;
        let now = SystemTime::now();
        let p = self.node_mut(parent)?;
        p.entries.remove(name);
        p.mtime = now;
        let q = self.node_mut(new_parent)?;
        q.entries.insert(new_name.to_owned(), ino);
        q.mtime = now;
        self.node_mut(ino)?.name = new_name.to_owned();
        Ok(())
    }

    fn file_mut(&mut self, ino: u64) -> Result<&mut Node, FsError> {
        let n = self.node_mut(ino)?;
        if n.kind == Kind::Dir {
            return Err(FsError::IsDir);
        }
        n.mtime = SystemTime::now();
        Ok(n)
    }

    /// Writes `bytes` at `offset` of file `ino` (a counted operation).
    pub fn write(&mut self, ino: u64, offset: u64, bytes: &[u8]) -> Result<usize, FsError> {
        self.live()?;
        self.file_mut(ino)?;
        self.step(|t| format!("write {} @{offset}+{}", t.name_of(ino), bytes.len()))?;
        let n = self.file_mut(ino)?;
        let start = usize::try_from(offset).map_err(|_| FsError::Invalid)?;
        let end = start + bytes.len();
        if n.data.len() < end {
            n.data.resize(end, 0);
        }
        n.data[start..end].copy_from_slice(bytes);
        Ok(bytes.len())
    }

    /// Up to `len` bytes of file `ino` from `offset`.
    pub fn read(&self, ino: u64, offset: u64, len: usize) -> Result<&[u8], FsError> {
        self.live()?;
        let n = self.node(ino)?;
        if n.kind == Kind::Dir {
            return Err(FsError::IsDir);
        }
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(n.data.len());
        let end = start.saturating_add(len).min(n.data.len());
        Ok(&n.data[start..end])
    }

    /// Sets file `ino`'s length (a counted operation).
    pub fn truncate(&mut self, ino: u64, size: u64) -> Result<(), FsError> {
        self.live()?;
        self.file_mut(ino)?;
        self.step(|t| format!("truncate {} to {size}", t.name_of(ino)))?;
        let len = usize::try_from(size).map_err(|_| FsError::Invalid)?;
        self.file_mut(ino)?.data.resize(len, 0);
        Ok(())
    }

    /// `fallocate` of `len` bytes at `offset`: grows the file unless `keep_size` (a counted
    /// operation).
    pub fn allocate(
        &mut self,
        ino: u64,
        offset: u64,
        len: u64,
        keep_size: bool,
    ) -> Result<(), FsError> {
        self.live()?;
        self.file_mut(ino)?;
        self.step(|t| format!("fallocate {} @{offset}+{len}", t.name_of(ino)))?;
        let end = usize::try_from(offset.saturating_add(len)).map_err(|_| FsError::Invalid)?;
        let n = self.file_mut(ino)?;
        if !keep_size && n.data.len() < end {
            n.data.resize(end, 0);
        }
        Ok(())
    }

    /// Sets the permission bits of `ino` (not counted; never reverted).
    pub fn set_perm(&mut self, ino: u64, perm: u16) -> Result<(), FsError> {
        self.live()?;
        self.node_mut(ino)?.perm = perm;
        Ok(())
    }

    /// `fsync` of `ino`: a file's bytes, or a directory's entries, become durable (a counted
    /// operation: a cut can fall just before it).
    pub fn fsync(&mut self, ino: u64) -> Result<(), FsError> {
        self.live()?;
        self.node(ino)?;
        self.step(|t| format!("fsync {}", t.name_of(ino)))?;
        let n = self.node_mut(ino)?;
        match n.kind {
            Kind::File => n.durable_data.clone_from(&n.data),
            Kind::Dir => n.durable_entries.clone_from(&n.entries),
        }
        Ok(())
    }

    /// The entries of directory `ino`, in name order.
    pub fn entries(&self, ino: u64) -> Result<Vec<(u64, Kind, OsString)>, FsError> {
        self.live()?;
        let d = self.dir(ino)?;
        Ok(d.entries
            .iter()
            .filter_map(|(name, &i)| self.nodes.get(&i).map(|n| (i, n.kind, name.clone())))
            .collect())
    }

    /// Everything current becomes durable (a disk synced whole: used after copying a
    /// prepared home in, before the operation under test starts).
    pub fn persist_all(&mut self) {
        for n in self.nodes.values_mut() {
            n.durable_data.clone_from(&n.data);
            n.durable_entries.clone_from(&n.entries);
        }
    }

    /// The power cut: every directory gets its durable entries back and every file reachable
    /// through them its durable bytes; everything else is gone. Restores the power (the count
    /// stops: nothing is armed).
    pub fn cut(&mut self) {
        let mut reachable = vec![ROOT];
        let mut kept = HashMap::new();
        while let Some(ino) = reachable.pop() {
            if kept.contains_key(&ino) {
                continue;
            }
            let Some(mut n) = self.nodes.remove(&ino) else {
                continue;
            };
            n.data.clone_from(&n.durable_data);
            n.entries.clone_from(&n.durable_entries);
            reachable.extend(n.entries.values().copied());
            kept.insert(ino, n);
        }
        self.nodes = kept;
        self.plan = Plan::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> &OsStr {
        OsStr::new(s)
    }

    #[test]
    fn unsynced_bytes_and_names_are_gone_after_a_cut() {
        let mut t = Tree::default();
        let d = t.create(ROOT, os("d"), Kind::Dir, 0o755).unwrap().ino;
        t.fsync(ROOT).unwrap();
        let f = t.create(d, os("f"), Kind::File, 0o600).unwrap().ino;
        t.write(f, 0, b"uno").unwrap();
        t.fsync(f).unwrap();
        t.write(f, 3, b"dos").unwrap();
        // The file's fsync did not persist its name: strict model.
        t.cut();
        assert_eq!(t.lookup(d, os("f")).err(), Some(FsError::NotFound));
        let f = t.create(d, os("f"), Kind::File, 0o600).unwrap().ino;
        t.write(f, 0, b"uno").unwrap();
        t.fsync(f).unwrap();
        t.fsync(d).unwrap();
        t.write(f, 3, b"dos").unwrap();
        t.cut();
        let f = t.lookup(d, os("f")).unwrap().ino;
        assert_eq!(t.read(f, 0, 100).unwrap(), b"uno");
    }

    #[test]
    fn a_rename_is_durable_only_once_its_directory_is_synced() {
        let mut t = Tree::default();
        let old = t.create(ROOT, os("marca"), Kind::File, 0o600).unwrap().ino;
        t.write(old, 0, b"viejo").unwrap();
        t.fsync(old).unwrap();
        t.fsync(ROOT).unwrap();
        let tmp = t
            .create(ROOT, os(".marca.tmp"), Kind::File, 0o600)
            .unwrap()
            .ino;
        t.write(tmp, 0, b"nuevo").unwrap();
        t.fsync(tmp).unwrap();
        t.rename(ROOT, os(".marca.tmp"), ROOT, os("marca"), false)
            .unwrap();
        t.cut();
        let m = t.lookup(ROOT, os("marca")).unwrap().ino;
        assert_eq!(t.read(m, 0, 100).unwrap(), b"viejo");
        assert!(t.lookup(ROOT, os(".marca.tmp")).is_err());
    }

    #[test]
    fn the_armed_operation_and_all_after_it_fail_until_the_cut() {
        let mut t = Tree::default();
        let f = t.create(ROOT, os("f"), Kind::File, 0o600).unwrap().ino;
        t.fsync(ROOT).unwrap();
        t.arm(Some(2));
        t.write(f, 0, b"a").unwrap();
        assert_eq!(t.write(f, 1, b"b"), Err(FsError::Cut));
        assert_eq!(t.cut_before(), Some("write f @1+1"));
        assert_eq!(t.read(f, 0, 1), Err(FsError::Cut));
        assert_eq!(t.ops(), 2);
        t.cut();
        assert_eq!(t.read(f, 0, 10).unwrap(), b"");
        t.write(f, 0, b"c").unwrap();
    }

    #[test]
    fn a_named_cut_falls_before_the_nth_operation_so_described() {
        let mut t = Tree::default();
        let f = t.create(ROOT, os("f"), Kind::File, 0o600).unwrap().ino;
        t.fsync(ROOT).unwrap();
        t.arm_named("fsync f", 2);
        t.write(f, 0, b"a").unwrap();
        t.fsync(f).unwrap();
        t.write(f, 1, b"b").unwrap();
        assert_eq!(t.fsync(f), Err(FsError::Cut));
        assert_eq!(t.cut_before(), Some("fsync f"));
        assert_eq!(t.ops(), 4);
        t.cut();
        assert_eq!(t.read(f, 0, 10).unwrap(), b"a");
    }
}
