package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/version"
	"github.com/manifold-dev/manifold/registry"
)

func init() { subcommands = append(subcommands, newDemoCmd) }

// demoHosts are the loopback addresses the demo registry listens on; they
// are never remembered as the last used registry.
var demoHosts = map[string]bool{}

func isDemoHost(h string) bool { return demoHosts[h] }

// demoIsTerminal and demoRunTUI are replaced by tests.
var (
	demoIsTerminal = isTerminal
	demoRunTUI     = runTUI
)

// demoDataDir points the staging store at a new temporary directory for
// the demo, and returns how to remove it and restore the user's.
func demoDataDir(g *globals) (restore func(), err error) {
	dir, err := os.MkdirTemp("", "manifold-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo data directory: %w", err)
	}
	old, had := os.LookupEnv(stagestore.EnvDataDir)
	if err := os.Setenv(stagestore.EnvDataDir, dir); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("demo data directory: %w", err)
	}
	fmt.Fprintf(g.stderr, "manifold demo: lists staged in the demo are kept in %s and discarded on exit\n", dir)
	return func() {
		if had {
			os.Setenv(stagestore.EnvDataDir, old)
		} else {
			os.Unsetenv(stagestore.EnvDataDir)
		}
		os.RemoveAll(dir)
	}, nil
}

func newDemoCmd(g *globals) *cobra.Command {
	var addr string
	var serve bool
	cmd := &cobra.Command{
		Use: "demo",
		Example: `  manifold demo
  manifold demo --serve --addr 127.0.0.1:5000   # then: manifold platforms 127.0.0.1:5000/library/golang:1.23`,
		Short: "Open the browser on a built-in demo registry (no network, no docker)",
		Long: `demo starts an in-memory registry on a loopback port, fills it with varied
multi-platform images (Docker lists and OCI indexes, arm variants, Windows
os.version entries, attestations, a nested index, a single-platform image, a
broken index, a repository with 2,000 tags, and acme/signed: two platforms
signed with cosign, with provenance and SBOMs; the key is written to a
temporary file and named on stderr) and opens the browser on it.
With --serve it only serves the registry and prints its address.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !strings.HasPrefix(addr, "127.0.0.1:") && !strings.HasPrefix(addr, "localhost:") {
				return fmt.Errorf("--addr %q: the demo registry listens on loopback only (127.0.0.1:PORT)", addr)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("demo registry: %w", err)
			}
			srv := &http.Server{Handler: fixtures.DemoHandler(), ReadHeaderTimeout: 10 * time.Second}
			go func() { _ = srv.Serve(ln) }()
			defer srv.Close()
			host := ln.Addr().String()
			demoHosts[host] = true
			fmt.Fprintf(g.stderr, "manifold demo: seeding the registry at %s…\n", host)
			if err := fixtures.Demo(cmd.Context(), host); err != nil {
				return fmt.Errorf("seed the demo registry: %w", err)
			}
			signed, err := fixtures.DemoSigned(cmd.Context(), host)
			if err != nil {
				return fmt.Errorf("seed the demo registry: signed image: %w", err)
			}
			keyFile, err := writeDemoKey(signed.Public)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stderr, "manifold demo: %s is signed and attested; its key is %s\n  manifold verify %s --key %s\n",
				signed.Ref(host), keyFile, signed.Ref(host), keyFile)
			if serve || !demoIsTerminal(g) {
				fmt.Fprintf(g.stdout, "demo registry serving at %s (plain HTTP); press ctrl-c to stop\n", host)
				<-cmd.Context().Done()
				return nil
			}
			const pageSize = 250 // small pages, so the paging is visible
			client, err := registry.New(registry.Options{Insecure: []string{host}, PageSize: pageSize, ReadOnly: g.readOnly, UserAgent: version.UserAgent()})
			if err != nil {
				return err
			}
			// Lists staged in the demo live in a data directory of their
			// own, discarded on exit: they never reach the user's store.
			restore, err := demoDataDir(g)
			if err != nil {
				return err
			}
			defer restore()
			return demoRunTUI(cmd.Context(), g, client, host, tuiOptions{pageSize: pageSize})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "loopback address to listen on")
	cmd.Flags().BoolVar(&serve, "serve", false, "only serve the demo registry and print its address")
	return cmd
}

// writeDemoKey writes the demo's cosign public key to a temporary file,
// so a user can try manifold verify on the signed demo image.
func writeDemoKey(pub []byte) (string, error) {
	f, err := os.CreateTemp("", "manifold-demo-*.pub")
	if err != nil {
		return "", fmt.Errorf("demo key: %w", err)
	}
	if _, err := f.Write(pub); err != nil {
		f.Close()
		return "", fmt.Errorf("demo key: %w", err)
	}
	return f.Name(), f.Close()
}
