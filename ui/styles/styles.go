// Package styles derives every style the UI draws with from a theme. It
// imports no other ui package.
package styles

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/manifold-dev/manifold/themes"
)

// Styles are every style the UI draws with, derived once from a theme.
type Styles struct {
	Theme themes.Theme

	Text, Faint, Accent, Bold lipgloss.Style
	Selected                  lipgloss.Style
	Digest, Platform, Size    lipgloss.Style
	MediaType                 lipgloss.Style
	OK, Warn, Error           lipgloss.Style
	Match                     lipgloss.Style

	Header, Crumb, CrumbSep lipgloss.Style
	Status, StatusErr       lipgloss.Style
	PaneBorder              lipgloss.Style // the side pane's border
	Title                   lipgloss.Style
	Help                    help.Styles
}

func colour(s string) lipgloss.Style {
	if s == "" {
		return lipgloss.NewStyle()
	}
	return lipgloss.NewStyle().Foreground(lipgloss.Color(s))
}

// New derives the styles of a theme.
func New(t themes.Theme) *Styles {
	s := &Styles{Theme: t}
	s.Text = colour(t.Text)
	s.Faint = colour(t.Faint)
	if t.Faint == "" {
		s.Faint = s.Faint.Faint(true)
	}
	s.Accent = colour(t.Accent).Bold(true)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Selected = lipgloss.NewStyle().Bold(true)
	if t.SelectedBg == "" {
		s.Selected = s.Selected.Reverse(true)
	} else {
		s.Selected = s.Selected.Background(lipgloss.Color(t.SelectedBg))
		if t.SelectedFg != "" {
			s.Selected = s.Selected.Foreground(lipgloss.Color(t.SelectedFg))
		}
	}
	s.Digest = colour(t.Digest)
	s.Platform = colour(t.Platform).Bold(true)
	s.Size = colour(t.Size)
	s.MediaType = colour(t.MediaType)
	s.OK = colour(t.OK)
	s.Warn = colour(t.Warn).Bold(true)
	s.Error = colour(t.Error).Bold(true)
	s.Match = colour(t.MatchFg).Underline(true)
	s.Header = lipgloss.NewStyle()
	s.Crumb = colour(t.Accent).Bold(true)
	s.CrumbSep = s.Faint
	s.Status = colour(t.StatusFg)
	if t.StatusBg != "" {
		s.Status = s.Status.Background(lipgloss.Color(t.StatusBg))
	}
	s.StatusErr = s.Status.Foreground(lipgloss.Color(orDefault(t.Error, "9"))).Bold(true)
	if t.Error == "" {
		s.StatusErr = s.Status.Bold(true).Reverse(true)
	}
	s.PaneBorder = colour(t.Border)
	s.Title = s.Accent
	s.Help = help.Styles{
		ShortKey:       colour(t.Accent),
		ShortDesc:      s.Faint,
		ShortSeparator: s.Faint,
		Ellipsis:       s.Faint,
		FullKey:        colour(t.Accent),
		FullDesc:       s.Faint,
		FullSeparator:  s.Faint,
	}
	return s
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
