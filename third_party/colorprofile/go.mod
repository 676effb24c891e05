module github.com/charmbracelet/colorprofile

go 1.25.0

require (
	github.com/charmbracelet/x/ansi v0.11.6
	github.com/charmbracelet/x/term v0.2.2
	github.com/lucasb-eyer/go-colorful v1.3.0
	github.com/xo/terminfo v1.3.1
	golang.org/x/sys v0.42.0
)
