import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { eraseResponder, placesOf } from '../../domain/grid';

/** /mydata shows the places someone answers for; /deleteme ends those duties (their slots in the rota too). */
export function gridPrivacy(deps: CoreDeps): PrivacySpec {
  return {
    async exportData(userId, t) {
      const places = await placesOf(deps.db, userId);
      return places.map((p) => t(`grid.mydata_${p.via}`, { community: p.communityId, building: p.buildingId }));
    },
    erase: (userId, tx) => eraseResponder(tx, userId),
  };
}
