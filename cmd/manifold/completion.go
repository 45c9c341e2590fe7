package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Shell completion that knows things: staged list names, the values of -o,
// --sort and --format, --platform values from the reference's index, and
// repositories and tags from the registry. Registry lookups are bounded in
// names (completionMax) and in time (completionTimeout): a slow or hostile
// registry makes a completion come back empty, never hang the shell.
const (
	completionTimeout = 2 * time.Second
	completionMax     = 1000
)

// flagValues are the words completion offers for -o and --sort, taken from
// the flags' own help ("output format: table, json or raw"), so a new value
// documented there is offered too.
var flagValueWords = map[string]bool{
	"table": true, "json": true, "raw": true, "text": true, "junit": true, "yaml": true,
	"none": true, "name": true, "version": true,
}

var wordRE = regexp.MustCompile(`[a-z]+`)

func valuesFromUsage(usage string) []string {
	if _, after, ok := strings.Cut(usage, ":"); ok {
		usage = after
	}
	var out []string
	seen := map[string]bool{}
	for _, w := range wordRE.FindAllString(usage, -1) {
		if flagValueWords[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// installCompletions walks every command and registers what it completes.
func installCompletions(g *globals, root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, name := range []string{"output", "sort"} {
			if f := c.Flags().Lookup(name); f != nil {
				usage := f.Usage // read when completing, not at every start
				_ = c.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
					return valuesFromUsage(usage), cobra.ShellCompDirectiveNoFileComp
				})
			}
		}
		if c.Flags().Lookup("format") != nil {
			_ = c.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return format.Names(), cobra.ShellCompDirectiveNoFileComp
			})
		}
		if c.Flags().Lookup("platform") != nil {
			_ = c.RegisterFlagCompletionFunc("platform", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
				return g.completePlatforms(cmd, args), cobra.ShellCompDirectiveNoFileComp
			})
		}
		if c.ValidArgsFunction == nil && c.Runnable() {
			if kinds := argKinds(c.Use); len(kinds) > 0 {
				c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
					return g.completeArg(cmd, kindAt(kinds, len(args)), toComplete)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// argKind is what a positional argument names.
type argKind int

const (
	argNone     argKind = iota
	argList             // a staged list
	argRef              // a reference (or a repository, or a registry)
	argRepo             // a repository
	argRegistry         // a registry host
)

type argSpec struct {
	kind     argKind
	variadic bool
}

// argKinds reads "create LIST IMAGE..." into [list, ref...].
func argKinds(use string) []argSpec {
	fields := strings.Fields(strings.ReplaceAll(use, " | ", "|"))
	if len(fields) < 2 {
		return nil
	}
	var out []argSpec
	for _, f := range fields[1:] {
		v := strings.HasSuffix(f, "...")
		f = strings.Trim(strings.TrimSuffix(f, "..."), "[]")
		k := argNone
		switch {
		case strings.HasPrefix(f, "-"):
			continue
		case f == "LIST":
			k = argList
		case f == "REPO":
			k = argRepo
		case f == "REGISTRY":
			k = argRegistry
		case f == "REF" || f == "SRC" || f == "DST" || f == "IMAGE" || f == "A" || f == "B" || strings.Contains(f, "|"):
			k = argRef
		}
		out = append(out, argSpec{k, v})
	}
	return out
}

func kindAt(specs []argSpec, i int) argKind {
	if i < len(specs) {
		return specs[i].kind
	}
	if last := specs[len(specs)-1]; last.variadic {
		return last.kind
	}
	return argNone
}

func (g *globals) completeArg(cmd *cobra.Command, kind argKind, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch kind {
	case argList:
		return stagedNames(toComplete), cobra.ShellCompDirectiveNoFileComp
	case argRef, argRepo, argRegistry:
		return g.completeRef(cmd, kind, toComplete)
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

func stagedNames(prefix string) []string {
	st, err := stagestore.Open()
	if err != nil {
		return nil
	}
	ls, err := st.List()
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range ls {
		if l.Err == nil && strings.HasPrefix(l.Name, prefix) {
			out = append(out, l.Name)
		}
	}
	return out
}

// completionClient is a client that gives up quickly: one try, short
// header timeout, no retries waited out.
func (g *globals) completionClient(cmd *cobra.Command) (*registry.Client, context.Context, context.CancelFunc, error) {
	if g.settings == nil {
		_ = g.loadSettings(cmd) // a bad config file still completes
	}
	o := g.clientOptions()
	o.Timeouts = registry.Timeouts{Header: completionTimeout, Stall: completionTimeout, Attempts: 1, MaxWait: time.Millisecond}
	c, err := g.track(registry.New(o))
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
	return c, ctx, cancel, nil
}

var errEnough = errors.New("enough names")

// listBounded collects at most completionMax names from a listing.
func listBounded(list func(yield func(registry.Page) error) error) []string {
	var names []string
	_ = list(func(p registry.Page) error {
		names = append(names, p.Names...)
		if len(names) >= completionMax {
			names = names[:completionMax]
			return errEnough
		}
		return nil
	})
	return names
}

// completeRef completes HOST/REPO from the registry's catalog, then
// HOST/REPO:TAG from its tags. With no host typed yet it offers the
// registries manifold knows (the config's and the last browsed).
func (g *globals) completeRef(cmd *cobra.Command, kind argKind, toComplete string) ([]string, cobra.ShellCompDirective) {
	nospace := cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	host, rest, hasSlash := strings.Cut(toComplete, "/")
	if !hasSlash {
		var out []string
		for _, r := range []string{g.settingsRegistry(), lastRegistry()} {
			if r != "" && strings.HasPrefix(r, toComplete) {
				if kind == argRegistry {
					out = append(out, r)
				} else {
					out = append(out, r+"/")
				}
			}
		}
		if kind == argRegistry {
			return dedupe(out), cobra.ShellCompDirectiveNoFileComp
		}
		return dedupe(out), nospace
	}
	if kind == argRegistry {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c, ctx, cancel, err := g.completionClient(cmd)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer cancel()
	if repo, tagPrefix, hasTag := strings.Cut(rest, ":"); hasTag && kind == argRef {
		full := host + "/" + repo
		var out []string
		for _, t := range listBounded(func(y func(registry.Page) error) error { return c.Tags(ctx, full, y) }) {
			if strings.HasPrefix(t, tagPrefix) {
				out = append(out, full+":"+t)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, r := range listBounded(func(y func(registry.Page) error) error { return c.Repositories(ctx, host, y) }) {
		if strings.HasPrefix(r, rest) {
			out = append(out, host+"/"+r)
		}
	}
	if kind == argRepo {
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	return out, nospace // a ":" and a tag may follow
}

// completePlatforms offers the platforms of the reference already on the
// command line (its index, fetched with a short timeout; the content cache
// serves it when it was read before).
func (g *globals) completePlatforms(cmd *cobra.Command, args []string) []string {
	ref := ""
	for _, a := range args {
		if strings.Contains(a, "/") || strings.Contains(a, ":") {
			ref = a
			break
		}
	}
	if ref == "" {
		return nil
	}
	c, ctx, cancel, err := g.completionClient(cmd)
	if err != nil {
		return nil
	}
	defer cancel()
	t, err := c.Tree(ctx, ref, registry.TreeOptions{})
	if err != nil {
		return nil
	}
	plats, _ := model.PlatformList(t)
	var out []string
	for _, p := range plats {
		out = append(out, p.String())
	}
	return dedupe(out)
}

func (g *globals) settingsRegistry() string {
	if g.settings == nil {
		return ""
	}
	return g.settings.registry
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
