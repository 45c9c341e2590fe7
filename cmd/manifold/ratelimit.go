package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
)

func init() { subcommands = append(subcommands, newRateLimitCmd) }

// rateLimitProbe is the image Docker documents for checking the limit.
const rateLimitProbe = "ratelimitpreview/test:latest"

func newRateLimitCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "ratelimit [REGISTRY | REF]",
		Short: "Show a registry's pull rate limit (Docker Hub's by default) with a HEAD, which does not count",
		Long: `ratelimit sends one HEAD for a manifest and prints the rate-limit headers of
the answer: RateLimit-Limit, RateLimit-Remaining (both "N;w=SECONDS") and
Docker-RateLimit-Source (the IP or account the limit applies to). Docker
documents that a HEAD does not count against the limit.

With no argument it asks Docker Hub about ` + rateLimitProbe + `, the image
Docker documents for this; with a registry host it asks that host about the
same path; with a reference it asks about that reference. Credentials come
from the docker config as for every command (a logged-in account has its own,
larger limit). Malformed headers seen in the wild (RateLimit-Limit: ;w=21600)
are read as far as they go.

The TUI shows the same numbers in its status line, and a 429 says when the
window resets.`,
		Example: `  manifold ratelimit
  manifold ratelimit docker.io/library/alpine:3.20
  manifold ratelimit -o json | jq .remaining`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := "docker.io/" + rateLimitProbe
			if len(args) == 1 {
				target = args[0]
				if !strings.Contains(target, "/") {
					target += "/" + rateLimitProbe
				}
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			r, err := c.ParseReference(target)
			if err != nil {
				return err
			}
			host := r.Context().RegistryStr()
			_, headErr := c.Head(cmd.Context(), target)
			rl, ok := c.RateLimit(host)
			if !ok {
				if headErr != nil && !errors.Is(headErr, registry.ErrNotFound) {
					return headErr
				}
				return fmt.Errorf("%s sent no rate-limit headers: it announces no pull limit", termsafe.String(host))
			}
			if output == "json" {
				b, _ := json.MarshalIndent(map[string]any{
					"host": host, "limit": rl.Limit, "remaining": rl.Remaining,
					"windowSeconds": int(rl.Window.Seconds()), "source": rl.Source, "resetSeconds": int(rl.Reset.Seconds()),
				}, "", "  ")
				_, err = fmt.Fprintln(g.stdout, string(b))
				return err
			} else if output != "" && output != "text" {
				return fmt.Errorf("unknown output %q: use text or json", output)
			}
			line := termsafe.String(host) + ": " + termsafe.String(rl.String())
			if rl.Remaining == 0 || errors.Is(headErr, registry.ErrTooManyRequests) {
				line += "; " + rl.WhenReset()
			}
			_, err = fmt.Fprintln(g.stdout, line)
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}
