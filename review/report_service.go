package review

import "fmt"

// Report makes the supervisor's report for the screen: the service's policy, clock and
// operator unless the options say otherwise.
func (s *Service) Report(o ReportOptions) (*Report, error) {
	rs, ok := s.Store.(ReportStore)
	if !ok {
		return nil, fmt.Errorf("this store keeps no report index")
	}
	if o.Policy == nil {
		o.Policy = s.Policy()
	}
	if o.Now.IsZero() {
		o.Now = s.Now()
	}
	if o.Calendar == nil {
		o.Calendar = s.Calendar
	}
	if o.Operator == "" {
		o.Operator = s.Signer.Operator.Name
	}
	return MakeReport(rs, o)
}

// ReportDrill lists what a figure of a report counts (see Report.DrillIDs).
func (s *Service) ReportDrill(r *Report, d *Drill) ([]string, error) {
	rs, ok := s.Store.(ReportStore)
	if !ok {
		return nil, fmt.Errorf("this store keeps no report index")
	}
	return r.DrillIDs(rs, d)
}
