package main

import (
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
