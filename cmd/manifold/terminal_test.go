package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Nothing that is not a terminal is taken for one: a file, a pipe, and the
// null device (a character device on Unix, NUL on Windows), so scripts get
// "pass --yes" and plain output, never a question or a TUI nobody sees.
func TestTerminalDetectionRefusesNonTerminals(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for what, f := range map[string]*os.File{"a file": file, "a pipe's reader": r, "a pipe's writer": w, os.DevNull: null} {
		if stdinIsTerminal(f) {
			t.Errorf("stdin from %s is taken for a terminal", what)
		}
		if writerIsTerminal(f) {
			t.Errorf("output to %s is taken for a terminal", what)
		}
		if isTerminal(&globals{stdout: f}) {
			t.Errorf("stdout to %s starts the TUI", what)
		}
	}
}
