package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command a user can run has --help with examples that use it.
func TestEveryCommandHasExamples(t *testing.T) {
	root := newRootCmd(&globals{stdout: &strings.Builder{}, stderr: &strings.Builder{}})
	var walk func(c *cobra.Command)
	count := 0
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" || c.Parent() != nil && c.Parent().Name() == "completion" {
			return
		}
		count++
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no examples in --help", c.CommandPath())
		} else if !strings.Contains(c.Example, c.CommandPath()) && c.HasParent() {
			t.Errorf("%q: examples do not show the command itself:\n%s", c.CommandPath(), c.Example)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if count < 15 {
		t.Fatalf("walked only %d commands", count)
	}
}

// The fields --format templates read are in each read command's help,
// however the help is asked for, though they are computed only then.
func TestFormatFieldsInHelp(t *testing.T) {
	for _, args := range [][]string{{"inspect", "--help"}, {"help", "inspect"}, {"inspect", "-h"}, {"tags", "--help"}} {
		var out, errb bytes.Buffer
		if rc := run(args, &out, &errb); rc != 0 {
			t.Fatalf("%v: exit %d: %s", args, rc, errb.String())
		}
		s := out.String()
		if n := strings.Count(s, "--format (docker's convention)"); n != 1 {
			t.Errorf("%v: the --format text is there %d times:\n%s", args, n, s)
		}
		if !strings.Contains(s, "digest") || !strings.Contains(s, "Usage:") {
			t.Errorf("%v: no fields or no usage:\n%s", args, s)
		}
	}
}
