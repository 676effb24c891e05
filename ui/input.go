package ui

import "charm.land/bubbles/v2/textinput"

// newTextInput is a line of text input without bubbles' ctrl+v, which reads the clipboard by
// running xclip, xsel or wl-paste, clients of the display server's socket: the workbench opens
// no socket, not even through a child process. A paste from the terminal (bracketed paste)
// still comes in.
func newTextInput() textinput.Model {
	in := textinput.New()
	in.KeyMap.Paste.SetEnabled(false)
	return in
}
