import { getImageProps, type ImageProps } from "next/image";
import { preload } from "react-dom";

/**
 * The `<img>` next/image writes (srcset through Next's optimizer, width and height, lazy loading),
 * rendered on the server: next/image's client component would add about 5 KB of JavaScript to
 * every page with a cover or a portrait. A `priority` image is fetched first and preloaded from
 * the head, as next/image does. The blur placeholder is the small picture itself behind the image,
 * scaled up by the browser, rather than next/image's SVG filter around it (1.3 KB a picture, in
 * the HTML and again in React's payload).
 */
export function Img({ placeholder, blurDataURL, ...props }: ImageProps) {
  const { props: img } = getImageProps(props);
  if (props.priority)
    preload(img.src, { as: "image", imageSrcSet: img.srcSet, imageSizes: img.sizes, fetchPriority: "high" });
  const blur =
    placeholder === "blur" && blurDataURL
      ? { backgroundImage: `url("${blurDataURL}")`, backgroundSize: "cover", backgroundPosition: "50% 50%" }
      : undefined;
  return (
    // eslint-disable-next-line @next/next/no-img-element, jsx-a11y/alt-text -- next/image's own props, alt included
    <img
      {...img}
      style={blur ? { ...img.style, ...blur } : img.style}
      fetchPriority={props.priority ? "high" : img.fetchPriority}
    />
  );
}
