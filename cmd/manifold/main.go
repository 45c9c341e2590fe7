// Command manifold is a terminal UI and CLI for multi-platform container
// images: manifest lists and OCI image indexes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/internal/version"
	"github.com/manifold-dev/manifold/registry"
)

// globals are the flags every command shares.
type globals struct {
	insecure []string
	// insecureAuto and skipVerify are the registries an edit command's
	// --insecure and --tls-verify=false name (insecure.go).
	insecureAuto []string
	skipVerify   []string
	realms       []string
	caFile       string
	debug        bool
	theme        string
	readOnly     bool
	mouse        bool
	settings     *settings    // the config file under the flags (settings.go)
	notices      *noticeRelay // the browser client's notices (tui.go)

	// clients are the registry clients this run made: run flushes their
	// disk cache writes before manifold exits (flushCaches).
	clientsMu sync.Mutex
	clients   []*registry.Client

	stdout io.Writer
	stderr io.Writer
}

// client builds the registry client for a CLI command. Retries (a 429 with
// Retry-After, a 503) are reported on stderr as they happen, so a script's
// user sees why a command waits; --debug also logs every request there.
func (g *globals) client() (*registry.Client, error) {
	opts := g.clientOptions()
	opts.Debug = nil
	if g.debug {
		opts.Debug = g.stderr // requests and retries, credentials redacted
	} else {
		opts.OnRetry = func(e registry.RetryEvent) {
			fmt.Fprintln(g.stderr, "manifold: "+termsafe.String(e.String()))
		}
	}
	return g.track(registry.New(opts))
}

// track notes a new client, for flushCaches.
func (g *globals) track(c *registry.Client, err error) (*registry.Client, error) {
	if err == nil {
		g.clientsMu.Lock()
		g.clients = append(g.clients, c)
		g.clientsMu.Unlock()
	}
	return c, err
}

// cacheFlushWait bounds how long manifold waits at exit for its disk cache
// writes (registry.Client.Flush): on a hung disk they are given up.
const cacheFlushWait = 5 * time.Second

// flushCaches waits, up to cacheFlushWait, for what this run's clients
// queued for the disk cache: fetches do not wait for their cache writes,
// and what is still queued when the process exits is lost.
func (g *globals) flushCaches() {
	g.clientsMu.Lock()
	clients := g.clients
	g.clients = nil
	g.clientsMu.Unlock()
	if len(clients) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cacheFlushWait)
	defer cancel()
	for _, c := range clients {
		if err := c.Flush(ctx); err != nil {
			fmt.Fprintln(g.stderr, "manifold: "+termsafe.String(err.Error()))
			return
		}
	}
}

// clientOptions are the registry options every client shares.
func (g *globals) clientOptions() registry.Options {
	o := registry.Options{
		Insecure:         g.insecure,
		InsecureAuto:     g.insecureAuto,
		SkipVerify:       g.skipVerify,
		AllowTokenRealms: g.realms,
		CAFile:           g.caFile,
		CacheDir:         defaultCacheDir(),
		UserAgent:        version.UserAgent(),
		ReadOnly:         g.readOnly,
		OnNotice: func(s string) {
			fmt.Fprintln(g.stderr, "manifold: "+termsafe.String(s))
		},
	}
	g.settings.apply(&o)
	return o
}

// defaultCacheDir is manifold's content cache under the user cache dir, or ""
// when there is none.
func defaultCacheDir() string {
	dir, _ := userdirs.Cache()
	return dir
}

// subcommands lists the constructors of every subcommand. Each command lives
// in its own file and adds itself here from an init function.
var subcommands []func(*globals) *cobra.Command

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "manifold [REGISTRY | REPO | REF]",
		Short: "See, resolve and edit multi-platform container images",
		Long: `manifold shows multi-platform images (Docker manifest lists and OCI image
indexes) as trees, answers which entry a host pulls, and stages, annotates and
pushes new lists.

Run it with no argument to open the registry you used last, with a registry
host to browse its repositories, with a repository to list its tags, or with a
reference to open its tree. The subcommands are the same features for scripts.`,
		Example: `  manifold                              # the registry you used last, or a prompt
  manifold localhost:5000               # browse its repositories
  manifold ghcr.io/owner/app            # its tags
  manifold golang:1.23                  # the tree of a reference
  manifold demo                         # a seeded in-memory registry, no network
  manifold inspect golang:1.23 -o json  # the same, for scripts`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.Get().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		err := g.loadSettings(cmd)
		if cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd {
			return nil // a bad config file still completes
		}
		return err
	}
	root.PersistentFlags().StringArrayVar(&g.insecure, "insecure-registry", nil, "reach this registry host over plain HTTP (repeatable; localhost is always plain HTTP)")
	root.PersistentFlags().StringArrayVar(&g.realms, "allow-token-realm", nil, "let this token server host be on a private address although the registry is not (repeatable; also "+registry.EnvTokenRealms+")")
	root.PersistentFlags().StringVar(&g.caFile, "ca-file", "", "PEM file of extra certificate authorities to trust")
	root.PersistentFlags().BoolVar(&g.readOnly, "readonly", false, "refuse every write to a registry (push, tag, rm, cp); reads only")
	root.PersistentFlags().BoolVar(&g.debug, "debug", false, "log registry requests to stderr (Authorization headers are redacted)")
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	for _, mk := range subcommands {
		root.AddCommand(mk(g))
	}
	if rootSetup != nil {
		rootSetup(g, root) // the TUI: RunE and --theme (tui.go)
	}
	return root
}

// rootSetup, when set, completes the root command (tui.go sets it).
var rootSetup func(*globals, *cobra.Command)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes manifold with args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		installCompletions(g, root) // what each flag and argument completes: only a completion request asks
	}
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	// A second interrupt while the cache is written ends manifold at once.
	stop()
	g.flushCaches()
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(stderr, "manifold: "+termsafe.Multiline(ee.msg))
			}
			return ee.code
		}
		fmt.Fprintln(stderr, "manifold: "+termsafe.Multiline(humanError(err)))
		return 1
	}
	return 0
}

// humanError words the registry's error vocabulary (errors.As/Is, never
// the text) for people, with the next step; other errors are already
// worded where they happen.
func humanError(err error) string {
	if h := humanWords(err); h != "" {
		// The registry's own words stay, on a line of their own.
		return h + "\n  (" + err.Error() + ")"
	}
	return err.Error()
}

func humanWords(err error) string {
	var unknown *registry.UnknownError
	if errors.As(err, &unknown) {
		repo := termsafe.String(unknown.Repository)
		host, _, _ := strings.Cut(unknown.Repository, "/")
		switch {
		case errors.Is(unknown, registry.ErrRepositoryUnknown):
			return fmt.Sprintf("no repository %s (check its name; manifold repos %s lists them where the registry allows)", repo, termsafe.String(host))
		case errors.Is(unknown, registry.ErrTagUnknown):
			return fmt.Sprintf("no tag %s in %s (manifold tags %s lists them)", termsafe.String(unknown.Tag), repo, repo)
		case unknown.Tag == "":
			return fmt.Sprintf("no manifest %s in %s", termsafe.String(unknown.Digest), repo)
		}
		return fmt.Sprintf("no tag %s in %s, or no repository %s (manifold tags %s lists its tags)", termsafe.String(unknown.Tag), repo, repo, repo)
	}
	var ne *registry.NetError
	if errors.As(err, &ne) && errors.Is(ne, registry.ErrSpeaksHTTP) {
		return fmt.Sprintf("%s speaks plain HTTP, not HTTPS: if you trust it, run again with --insecure-registry %s (or --insecure)", termsafe.String(ne.Host), termsafe.String(ne.Host))
	}
	return ""
}

// exitError carries an exit status other than 1, or an already printed error.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
