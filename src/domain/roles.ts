import type { Role, User } from '../store/schema';

/**
 * Who may do what. Roles are ranked; a command or button names the lowest role that may use
 * it. Staff act only within their own community; admins act everywhere.
 */
export const ROLES: readonly Role[] = ['resident', 'volunteer', 'lead', 'staff', 'admin'];

export function rank(role: Role): number {
  return ROLES.indexOf(role);
}

export function atLeast(role: Role, minimum: Role): boolean {
  return rank(role) >= rank(minimum);
}

/** Admins come from ADMIN_IDS, so a database edit can never make or unmake one. */
export function effectiveRole(user: Pick<User, 'id' | 'role'> | undefined, adminIds: readonly number[], userId: number): Role {
  if (adminIds.includes(userId)) return 'admin';
  return user?.role === 'admin' ? 'staff' : (user?.role ?? 'resident');
}

/** May this person act as staff on something belonging to that community? */
export function canStaff(role: Role, user: Pick<User, 'community_id'> | undefined, communityId: string): boolean {
  if (role === 'admin') return true;
  return role === 'staff' && user?.community_id === communityId;
}
