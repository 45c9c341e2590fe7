package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/config"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui"
)

func init() { rootSetup = setupTUI }

// setupTUI makes the root command open the TUI and adds --theme.
func setupTUI(g *globals, root *cobra.Command) {
	root.PersistentFlags().BoolVar(&g.mouse, "mouse", true, "mouse reporting in the TUI (--mouse=false lets the terminal select text everywhere)")
	root.PersistentFlags().StringVar(&g.theme, "theme", "", "colour theme: dark, light, high-contrast, none, a theme file, or NAME for ~/.config/manifold/themes/NAME.yaml (see themes/README.md); default from the terminal background")
	root.Args = func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(1)(cmd, args); err != nil {
			return err
		}
		return notAMistypedCommand(cmd, args)
	}
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if !isTerminal(g) {
			if len(args) == 0 {
				return cmd.Help()
			}
			return fmt.Errorf("the browser needs a terminal; for scripts use `manifold inspect %s`", args[0])
		}
		client, closeLog, err := g.tuiClient()
		if err != nil {
			return err
		}
		defer closeLog()
		start := ""
		if len(args) == 1 {
			start = args[0]
		} else if start = g.settings.registry; start == "" {
			start = lastRegistry()
		}
		return runTUI(cmd.Context(), g, client, start, tuiOptions{})
	}
}

// notAMistypedCommand refuses a lone word that is close to a subcommand
// (manifold anotate) with cobra's "did you mean", before it could be taken
// for a repository and open the browser. A word with a registry, a tag or a
// digest in it is a reference.
func notAMistypedCommand(cmd *cobra.Command, args []string) error {
	if len(args) != 1 || strings.ContainsAny(args[0], "/:@.") {
		return nil
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return fmt.Errorf("unknown command %q for %q\n\nDid you mean this?\n\t%s\n\nTo open a repository of that name, give its registry: manifold docker.io/library/%s",
			args[0], cmd.CommandPath(), strings.Join(s, "\n\t"), args[0])
	}
	return nil
}

type tuiOptions struct {
	pageSize int // for the demo
}

// runTUI opens the UI on start (a registry, repository or reference).
func runTUI(ctx context.Context, g *globals, client *registry.Client, start string, extra tuiOptions) error {
	opts := ui.Options{
		Registry:     client,
		Start:        start,
		Theme:        g.theme,
		NoColor:      os.Getenv("NO_COLOR") != "",
		OnOpen:       rememberRegistry,
		ReadOnly:     g.readOnly,
		NoMouse:      !g.settings.mouse,
		ResolveHosts: g.settings.resolveHosts,
		SaveResolveHosts: func(hosts []string) error {
			return config.SetResolveHosts(g.settings.path, hosts)
		},
		Login: func(host, repository, user, secret string) (ui.Registry, error) {
			return login(ctx, client, host, repository, user, secret)
		},
		SaveCredentials: registry.SaveCredentials,
		CredentialStore: registry.CredentialStore,
	}
	m, err := ui.New(ctx, opts)
	if err != nil {
		return err
	}
	defer m.Close()
	// The colour profile is the one already detected for standard output
	// (bubbletea's own detection would run `tmux info` once more).
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithFPS(tuiFPS()), tea.WithColorProfile(colourProfile(os.Stdout)))
	if g.notices != nil {
		g.notices.attach(p.Send)
		defer g.notices.attach(nil)
	}
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// login checks user/secret against host through the browser's own client
// (its --debug log, CAs and plain-HTTP guard) and makes that client use
// them for host, in memory, for the rest of the session.
func login(ctx context.Context, client *registry.Client, host, repository, user, secret string) (*registry.Client, error) {
	if err := client.Login(ctx, host, repository, user, secret); err != nil {
		return nil, err
	}
	return client, nil
}

func isTerminal(g *globals) bool {
	f, ok := g.stdout.(*os.File)
	return ok && term.IsTerminal(f.Fd()) && term.IsTerminal(os.Stdin.Fd())
}

// state is what manifold remembers between runs.
type state struct {
	Registry string `json:"registry,omitempty"`
}

func statePath() string {
	p, _ := userdirs.Config("state.json")
	return p
}

// lastRegistry is the registry browsed last, or "".
func lastRegistry() string {
	p := statePath()
	if p == "" {
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	var s state
	if json.Unmarshal(b, &s) != nil || ui.Classify(s.Registry) != ui.KindRegistry {
		return ""
	}
	return s.Registry
}

// rememberRegistry stores the registry as the last used one (atomically:
// temp file then rename). Failures are ignored: it is a convenience.
func rememberRegistry(reg string) {
	p := statePath()
	if p == "" || isDemoHost(reg) {
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return
	}
	b, _ := json.Marshal(state{Registry: reg})
	tmp, err := os.CreateTemp(filepath.Dir(p), "state-*.json")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}

// tuiClient builds the registry client for the browser. Nothing may write to
// the terminal behind the TUI's back, so --debug logs to a file under the
// user cache dir (named on stderr when the browser exits); retries show in
// the status line instead.
func (g *globals) tuiClient() (*registry.Client, func(), error) {
	opts := g.clientOptions()
	// Notices (credentials sent to a token server on another host) show
	// in the status line, and are said on stderr once the browser has
	// given the terminal back.
	g.notices = &noticeRelay{}
	opts.OnNotice = g.notices.notice
	sayNotices := func() { g.notices.say(g.stderr) }
	closeLog := sayNotices
	if g.debug {
		path, err := userdirs.Cache("debug.log")
		if err != nil {
			return nil, nil, fmt.Errorf("--debug: no cache dir for the log: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, nil, fmt.Errorf("--debug: %w", err)
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("--debug: %w", err)
		}
		opts.Debug = f
		closeLog = func() {
			sayNotices()
			f.Close()
			fmt.Fprintln(g.stderr, "manifold: debug log written to "+path)
		}
	}
	c, err := g.track(registry.New(opts))
	if err != nil {
		closeLog()
		return nil, nil, err
	}
	return c, closeLog, nil
}

// tuiFPS is the renderer's frame rate. bubbletea v2 flushes on a ticker at
// this rate for as long as the program runs, with or without a change to
// draw (Program.startRenderer in tea.go: no option stops it when idle, and
// nothing else makes it flush), so the rate is both what an idle browser
// costs and the longest a key waits to be drawn. Measured with bench/tui.sh
// (idle, 10 s): 60 fps 0.7 % of a core and ~310 context switches/s, 30 fps
// ~0.35 % and ~165/s, 1 fps 0 % and 4/s — the ticker is all of it. 15 fps
// keeps an idle browser near 0.2 % and draws a key's answer within 67 ms
// (33 ms on average). MANIFOLD_FPS (1–120) overrides it.
func tuiFPS() int {
	if n, err := strconv.Atoi(os.Getenv("MANIFOLD_FPS")); err == nil && n >= 1 && n <= 120 {
		return n
	}
	return 15
}

// noticeRelay keeps the registry client's notices for stderr and hands
// each to the running browser's status line (ui.NoticeMsg).
type noticeRelay struct {
	mu   sync.Mutex
	said []string
	send func(tea.Msg)
}

func (r *noticeRelay) notice(s string) {
	r.mu.Lock()
	r.said = append(r.said, s)
	send := r.send
	r.mu.Unlock()
	if send != nil {
		send(ui.NoticeMsg(s))
	}
}

// attach sends later notices to a program (nil: to none).
func (r *noticeRelay) attach(send func(tea.Msg)) {
	r.mu.Lock()
	r.send = send
	r.mu.Unlock()
}

// say writes every notice to w.
func (r *noticeRelay) say(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.said {
		fmt.Fprintln(w, "manifold: "+termsafe.String(s))
	}
}
