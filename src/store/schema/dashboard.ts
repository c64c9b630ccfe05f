/** Row types of the table in migrations/015_dashboard_menus.ts. Times are epoch milliseconds. */

export interface DashboardMenusTable {
  /** A staff member (or admin) whose private chat shows the dashboard as its menu button. */
  user_id: number;
  /** The Mini App address it was set to (a new DASHBOARD_URL sets it again). */
  url: string;
  set_at: number;
}

export interface DashboardTables {
  dashboard_menus: DashboardMenusTable;
}
