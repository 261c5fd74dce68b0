//! Go's `text/tabwriter`, which kubectl uses for every table and description: cells end at
//! a tab, a column block is a run of consecutive lines that have a cell in that column, and
//! every cell of a block is padded to the widest cell plus the padding. The text after a
//! line's last tab is not part of any column and is never padded.
//!
//! `kubectl get` writes with a minimum width of 6 and a padding of 3
//! (`staging/src/k8s.io/cli-runtime/pkg/printers/tabwriter.go`); `kubectl describe` and
//! `kubectl rollout history` with 0 and 2 (`tabbedString` in
//! `staging/src/k8s.io/kubectl/pkg/describe/describe.go`).

/// Buffers tab-separated text and aligns it as Go's `tabwriter.Writer` does (flags 0,
/// padding with spaces).
#[derive(Debug, Clone)]
pub struct TabWriter {
    min_width: usize,
    padding: usize,
    pending: String,
    out: String,
}

impl TabWriter {
    /// `kubectl get`'s writer: minimum cell width 6, padding 3.
    pub fn for_tables() -> Self {
        Self::new(6, 3)
    }

    /// `kubectl describe`'s writer: no minimum width, padding 2.
    pub fn for_descriptions() -> Self {
        Self::new(0, 2)
    }

    /// A writer with this minimum cell width and padding.
    pub fn new(min_width: usize, padding: usize) -> Self {
        Self {
            min_width,
            padding,
            pending: String::new(),
            out: String::new(),
        }
    }

    /// Adds text; tabs end cells and newlines end lines.
    pub fn write(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// Aligns and emits everything written so far (`Flush`): later text starts new column
    /// blocks, as after kubectl's `w.Flush()` before an events table.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let mut lines: Vec<Vec<&str>> = pending
            .split('\n')
            .map(|l| l.split('\t').collect())
            .collect();
        // A final newline ends the last line; it does not start another.
        let terminated = pending.ends_with('\n');
        if terminated {
            lines.pop();
        }
        let mut widths = Vec::new();
        self.format(&lines, &mut widths, 0, lines.len(), terminated);
    }

    /// Flushes and returns all the aligned text.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }

    fn format(
        &mut self,
        lines: &[Vec<&str>],
        widths: &mut Vec<usize>,
        line0: usize,
        line1: usize,
        terminated: bool,
    ) {
        let column = widths.len();
        let mut start = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            self.write_lines(lines, widths, start, this, terminated);
            start = this;
            let mut width = self.min_width;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(lines[this][column].chars().count() + self.padding);
                this += 1;
            }
            widths.push(width);
            self.format(lines, widths, start, this, terminated);
            widths.pop();
            start = this;
        }
        self.write_lines(lines, widths, start, line1, terminated);
    }

    fn write_lines(
        &mut self,
        lines: &[Vec<&str>],
        widths: &[usize],
        line0: usize,
        line1: usize,
        terminated: bool,
    ) {
        for (i, line) in lines.iter().enumerate().take(line1).skip(line0) {
            for (j, cell) in line.iter().enumerate() {
                self.out.push_str(cell);
                if let Some(&width) = widths.get(j) {
                    let used = cell.chars().count();
                    self.out
                        .extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
                }
            }
            if terminated || i + 1 < lines.len() {
                self.out.push('\n');
            }
        }
    }
}

/// Aligns a whole text at once with `kubectl get`'s settings.
pub fn table(text: &str) -> String {
    let mut w = TabWriter::for_tables();
    w.write(text);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_rows_pad_to_the_widest_cell_with_a_minimum() {
        // pkg/printers/internalversion/printers_test.go, TestPrintDaemonSet (no headers).
        assert_eq!(
            table("test1\t3\t2\t1\t2\t0\t<none>\t0s\n"),
            "test1   3     2     1     2     0     <none>   0s\n"
        );
    }

    #[test]
    fn a_line_without_the_column_ends_the_block() {
        let mut w = TabWriter::for_descriptions();
        w.write("Name:\tx\nSelector:\tapp=x\nDesired Number of Nodes Scheduled: 1\nPods Status:\t1 Running\n");
        assert_eq!(
            w.finish(),
            "Name:      x\nSelector:  app=x\nDesired Number of Nodes Scheduled: 1\nPods Status:  1 Running\n"
        );
    }

    #[test]
    fn empty_trailing_cells_still_pad_the_column() {
        let mut w = TabWriter::for_descriptions();
        w.write("    Path:\t/var/log\n    HostPathType:\t\n");
        assert_eq!(
            w.finish(),
            "    Path:          /var/log\n    HostPathType:  \n"
        );
    }

    #[test]
    fn flush_starts_new_blocks() {
        let mut w = TabWriter::for_descriptions();
        w.write("Tolerations:\t<none>\n");
        w.flush();
        w.write("Events:\n  Type\tReason\n  ----\t------\n");
        assert_eq!(
            w.finish(),
            "Tolerations:  <none>\nEvents:\n  Type  Reason\n  ----  ------\n"
        );
    }
}
