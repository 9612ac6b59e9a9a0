//! Argon2's working memory on Linux: anonymous pages aligned to 2 MiB that the kernel may back
//! with transparent huge pages.
//!
//! Argon2id at 256 MiB touches its memory in an order chosen to defeat caches, so with 4 KiB
//! pages most block reads miss the TLB, and the first pass faults in 65,536 fresh pages. Asking
//! for huge pages (`MADV_HUGEPAGE`: this machine's kernels default to "madvise") takes about a
//! third off one derivation (docs/performance.md §Key derivation). Where the kernel declines,
//! the pages are ordinary ones and the result is the same: only the speed depends on it.
//! The blocks are enough to recompute the key, so they are kept out of core dumps and wiped
//! before the pages are unmapped (about 11 ms for 256 MiB here).

// mmap, madvise and munmap have no safe form; each unsafe block says what it relies on.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::ptr::null_mut;

use argon2::Block;
use rustix::mm::{madvise, mmap_anonymous, munmap, Advice, MapFlags, ProtFlags};
use zeroize::Zeroize;

/// The huge page size the alignment is for (x86-64 and aarch64 with 4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

/// `blocks` Argon2 blocks of zeroed memory, exclusively ours until dropped.
pub(super) struct Memory {
    mapping: *mut c_void,
    mapping_len: usize,
    start: *mut Block,
    blocks: usize,
}

impl Memory {
    /// The memory, or `None` if the kernel refuses the mapping (the caller then lets argon2
    /// allocate, which reports the shortage in its own words).
    pub(super) fn new(blocks: usize) -> Option<Memory> {
        let len = blocks.checked_mul(Block::SIZE)?;
        // Over-allocate by one huge page so the blocks can start on a 2 MiB boundary.
        let mapping_len = len.checked_add(HUGE_PAGE)?;
        // SAFETY: a fresh private anonymous mapping at an address of the kernel's choosing;
        // it aliases nothing.
        let mapping = unsafe {
            mmap_anonymous(
                null_mut(),
                mapping_len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE,
            )
        }
        .ok()?;
        let skip = (HUGE_PAGE - mapping as usize % HUGE_PAGE) % HUGE_PAGE;
        // SAFETY: `skip < HUGE_PAGE`, so the pointer stays inside the mapping.
        let start = unsafe { mapping.cast::<u8>().add(skip) }.cast::<c_void>();
        for advice in [Advice::LinuxHugepage, Advice::LinuxDontDump] {
            // SAFETY: the range lies within our own mapping; both pieces of advice change only
            // how it is backed and dumped, never its contents. A refusal (an older kernel, THP
            // compiled out) leaves ordinary pages, which is why the result is ignored.
            let _ = unsafe { madvise(start, len, advice) };
        }
        Some(Memory {
            mapping,
            mapping_len,
            start: start.cast::<Block>(),
            blocks,
        })
    }

    /// The blocks, zeroed when first touched.
    pub(super) fn blocks(&mut self) -> &mut [Block] {
        // SAFETY: `start` is 2 MiB-aligned (more than Block's 64), `blocks * Block::SIZE` bytes
        // from it lie inside the mapping, anonymous pages read as zeros (a valid Block: it is
        // plain u64s), and `&mut self` makes the borrow exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.start, self.blocks) }
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        for block in self.blocks() {
            block.as_mut().zeroize();
        }
        // SAFETY: the whole mapping made in `new`, unmapped once; no borrow of it outlives
        // `self`. A failure here could only leave the pages mapped, so it is not reported.
        let _ = unsafe { munmap(self.mapping, self.mapping_len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_start_on_a_huge_page_and_read_as_zeros() {
        let mut m = Memory::new(3000).unwrap();
        let blocks = m.blocks();
        assert_eq!(blocks.len(), 3000);
        assert_eq!(blocks.as_ptr() as usize % HUGE_PAGE, 0);
        assert!(blocks.iter().all(|b| b.as_ref().iter().all(|&w| w == 0)));
        blocks[2999].as_mut()[127] = 7;
        assert_eq!(blocks[2999].as_ref()[127], 7);
    }
}
