//go:build windows

package main

import (
	"os"
	"testing"

	"golang.org/x/sys/windows"
)

// A Windows console is a terminal (the other half of the detection test):
// the console's screen buffer (CONOUT$) and input (CONIN$), in a console
// of this process's own when it has none.
func TestTerminalDetectionAcceptsAConsole(t *testing.T) {
	// AllocConsole fails when the process has a console already.
	kernel32 := windows.NewLazySystemDLL("kernel32.dll")
	if r, _, _ := kernel32.NewProc("AllocConsole").Call(); r != 0 {
		defer kernel32.NewProc("FreeConsole").Call()
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no console screen buffer: %v", err)
	}
	defer out.Close()
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no console input: %v", err)
	}
	defer in.Close()
	if !writerIsTerminal(out) {
		t.Error("the console's screen buffer is not taken for a terminal")
	}
	if !stdinIsTerminal(in) {
		t.Error("the console's input is not taken for a terminal")
	}
}
