/** Step shapes the hazard flows share. */

/** The arguments of every flow about one report: which report. */
export interface ReportArgs {
  reportId: number;
}
