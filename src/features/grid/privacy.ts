import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { buildingsHeadedBy, eraseResponder, placesOf } from '../../domain/grid';

/**
 * /mydata shows the places someone answers for and the buildings they are head of; /deleteme
 * ends those duties (their slots in the rota too).
 */
export function gridPrivacy(deps: CoreDeps): PrivacySpec {
  return {
    async exportData(userId, t) {
      const places = await placesOf(deps.db, userId);
      const headed = await buildingsHeadedBy(deps.db, userId);
      return [
        ...places.map((p) =>
          p.spotId
            ? t('grid.mydata_unit_spot', { community: p.communityId, spot: p.spotId })
            : t(`grid.mydata_${p.via}`, { community: p.communityId, building: p.buildingId! }),
        ),
        ...headed.map((h) => t('grid.mydata_head', { community: h.community_id, building: h.building_id })),
      ];
    },
    erase: (userId, tx) => eraseResponder(tx, userId),
  };
}
